import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listUsableBackends } from '../../../src/sandbox/backends/select.js';
import { createRunQueue, QueueAbandonedError, QueueFullError } from '../../../src/sandbox/service/run-queue.js';
import { startSandboxService } from '../../helpers/sandbox-service.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('createRunQueue', () => {
  it('runs at most the concurrency and rejects past the queue', async () => {
    const queue = createRunQueue(1, 1);
    const gate = deferred();
    const first = queue.enqueue(() => gate.promise);
    const second = queue.enqueue(async () => 'second');

    assert.equal(queue.active(), 1);
    assert.equal(queue.waiting(), 1);
    await assert.rejects(queue.enqueue(async () => 'third'), QueueFullError);
    gate.resolve();
    await first;
    assert.equal(await second, 'second');
    assert.equal(queue.active(), 0);
  });

  it('drops a waiting task whose caller aborts', async () => {
    const queue = createRunQueue(1, 4);
    const gate = deferred();
    const first = queue.enqueue(() => gate.promise);
    const caller = new AbortController();
    let ran = false;
    const abandoned = queue.enqueue(async () => { ran = true; }, caller.signal);

    caller.abort();
    await assert.rejects(abandoned, QueueAbandonedError);
    assert.equal(queue.waiting(), 0);
    gate.resolve();
    await first;
    assert.equal(ran, false);
    assert.equal(queue.active(), 0);
  });
});

describe('POST /v1/execute with a caller that goes away', () => {
  it('removes the queued run', async (t) => {
    const [backend] = await listUsableBackends();
    const sandbox = await startSandboxService(backend!, { concurrency: 1, queueMax: 4 });
    t.after(() => sandbox.close());
    const execute = (code: string, signal?: AbortSignal): Promise<Response> => fetch(new URL('/v1/execute', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-secret': sandbox.secret },
      body: JSON.stringify({ code }),
      signal,
    });

    const slow = execute('import time\ntime.sleep(1.5)\nprint("slow")');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const caller = new AbortController();
    const abandoned = execute('print("abandoned")', caller.signal).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waitingBefore = (await (await fetch(new URL('/healthz', sandbox.url))).json()).load.waiting;
    caller.abort();
    await abandoned;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waitingAfter = (await (await fetch(new URL('/healthz', sandbox.url))).json()).load.waiting;

    assert.equal(waitingBefore, 1);
    assert.equal(waitingAfter, 0);
    assert.equal((await (await slow).json()).stdout, 'slow\n');
  });
});
