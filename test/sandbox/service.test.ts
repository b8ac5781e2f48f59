/**
 * The sandbox service's HTTP contract, against the real service and every
 * backend that works on this host: the shared secret, healthz, limits that a
 * request may only lower, validation errors and the 503 busy response.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { listUsableBackends } from '../../src/sandbox/backends/select.js';
import { MAX_SERVICE_CODE_CHARS } from '../../src/sandbox/service/app.js';
import { DEFAULT_RUN_LIMITS, RUN_STATUSES, type BackendName, type RunLimits, type RunResult } from '../../src/sandbox/types.js';
import { startSandboxService, type RunningSandbox } from '../helpers/sandbox-service.js';

/** Time on top of a run's wall limit for process start, kill and the HTTP round trip. */
const MARGIN_MS = 3_000;

/** Limits the service is configured with in these tests, lower than the defaults so limit cases end quickly. */
const CONFIGURED_LIMITS: RunLimits = { ...DEFAULT_RUN_LIMITS, wallMs: 2_000, maxOutputBytes: 4_096 };

const backends = await listUsableBackends();

interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

interface ErrorBody {
  error: { code: string; message: string };
}

async function postExecute<T = RunResult>(service: RunningSandbox, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  const response = await fetch(new URL('/v1/execute', service.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-secret': service.secret, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

async function getHealth(service: RunningSandbox): Promise<HttpAnswer<{ status: string; backend: string; pythonVersion: string; load: Record<string, number> }>> {
  const response = await fetch(new URL('/healthz', service.url));
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

/** Asserts the documented error shape: only `error`, with the expected code and a message without a stack trace. */
function assertErrorShape(body: ErrorBody, code: string | RegExp): void {
  assert.deepEqual(Object.keys(body), ['error']);
  if (typeof code === 'string') assert.equal(body.error.code, code);
  else assert.match(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.doesNotMatch(body.error.message, /\n\s+at /, 'the message contains a stack trace');
}

/** Returns the Python version a backend must report: Debian's python3, or the one Pyodide was built from. */
function expectedPythonVersion(backend: BackendName): string {
  if (backend === 'bubblewrap') {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8', timeout: 10_000 });
    return probe.stdout.trim();
  }
  const require = createRequire(import.meta.url);
  const lockFile = path.join(path.dirname(require.resolve('pyodide/package.json')), 'pyodide-lock.json');
  return (JSON.parse(readFileSync(lockFile, 'utf8')) as { info: { python: string } }).info.python;
}

/** Replaces the last character, so the result has the secret's length but another value. */
function sameLengthWrongSecret(secret: string): string {
  return secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
}

for (const backend of backends) {
  describe(`sandbox service on ${backend}`, () => {
    let service: RunningSandbox;

    before(async () => {
      service = await startSandboxService(backend, { limits: CONFIGURED_LIMITS });
    });

    after(async () => {
      await service.close();
    });

    describe('shared secret', () => {
      it('rejects a missing secret', async () => {
        const response = await fetch(new URL('/v1/execute', service.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: 'print("never runs")' }),
        });
        const body = (await response.json()) as ErrorBody;

        assert.equal(response.status, 401);
        assertErrorShape(body, 'unauthorized');
      });

      it('rejects an empty secret', async () => {
        const answer = await postExecute<ErrorBody>(service, { code: 'print("never runs")' }, { 'x-sandbox-secret': '' });

        assert.equal(answer.status, 401);
        assertErrorShape(answer.body, 'unauthorized');
      });

      it('rejects a wrong secret', async () => {
        const answer = await postExecute<ErrorBody>(service, { code: 'print("never runs")' }, { 'x-sandbox-secret': 'not-the-secret' });

        assert.equal(answer.status, 401);
        assertErrorShape(answer.body, 'unauthorized');
      });

      it('rejects a wrong secret of the same length', async () => {
        const wrong = sameLengthWrongSecret(service.secret);
        assert.equal(wrong.length, service.secret.length);
        assert.notEqual(wrong, service.secret);

        const answer = await postExecute<ErrorBody>(service, { code: 'print("never runs")' }, { 'x-sandbox-secret': wrong });

        assert.equal(answer.status, 401);
        assertErrorShape(answer.body, 'unauthorized');
      });

      it('checks the secret before validating the body', async () => {
        const answer = await postExecute<ErrorBody>(service, { unexpected: true }, { 'x-sandbox-secret': 'not-the-secret' });

        assert.equal(answer.status, 401);
        assertErrorShape(answer.body, 'unauthorized');
      });

      it('runs code with the right secret', async () => {
        const answer = await postExecute(service, { code: 'print("hello")' });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'ok');
        assert.equal(answer.body.stdout, 'hello\n');
        assert.equal(answer.body.stderr, '');
        assert.equal(answer.body.exitCode, 0);
        assert.equal(answer.body.truncated, false);
        assert.equal(typeof answer.body.durationMs, 'number');
      });
    });

    describe('healthz', () => {
      it('reports backend, Python version and load', async () => {
        const health = await getHealth(service);

        assert.equal(health.status, 200);
        assert.equal(health.body.status, 'ok');
        assert.equal(health.body.backend, backend);
        assert.equal(health.body.pythonVersion, expectedPythonVersion(backend));
        assert.deepEqual(health.body.load, { active: 0, waiting: 0, concurrency: 2, queueMax: 16 });
      });

      it('needs no secret', async () => {
        const response = await fetch(new URL('/healthz', service.url), { headers: { 'x-sandbox-secret': 'wrong' } });

        assert.equal(response.status, 200);
        await response.body?.cancel();
      });
    });

    describe('request limits', () => {
      it('lowers wallMs', async () => {
        const answer = await postExecute(service, { code: 'import time\ntime.sleep(30)\n', limits: { wallMs: 500 } });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'timeout');
        assert.ok(answer.body.durationMs >= 499, `ended after ${answer.body.durationMs} ms`);
        assert.ok(answer.body.durationMs < CONFIGURED_LIMITS.wallMs, `ended after ${answer.body.durationMs} ms, not at the lowered limit`);
      });

      it('lowers maxOutputBytes', async () => {
        const answer = await postExecute(service, { code: 'print("x" * 3000)\n', limits: { maxOutputBytes: 100 } });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'output_limit');
        assert.equal(answer.body.truncated, true);
        assert.ok(Buffer.byteLength(answer.body.stdout) <= 100, `kept ${Buffer.byteLength(answer.body.stdout)} bytes`);
        assert.match(answer.body.stdout, /^x+$/);
      });

      it('keeps the configured wallMs when a request asks for more', async () => {
        const answer = await postExecute(service, { code: 'import time\ntime.sleep(30)\n', limits: { wallMs: 60_000 } });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'timeout');
        assert.ok(answer.body.durationMs >= CONFIGURED_LIMITS.wallMs - 1, `ended after ${answer.body.durationMs} ms`);
        assert.ok(answer.body.durationMs <= CONFIGURED_LIMITS.wallMs + MARGIN_MS, `ended after ${answer.body.durationMs} ms`);
      });

      it('keeps the configured maxOutputBytes when a request asks for more', async () => {
        const answer = await postExecute(service, { code: 'print("x" * 10000)\n', limits: { maxOutputBytes: 1_000_000 } });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'output_limit');
        assert.equal(answer.body.truncated, true);
        assert.ok(Buffer.byteLength(answer.body.stdout) <= CONFIGURED_LIMITS.maxOutputBytes, `kept ${Buffer.byteLength(answer.body.stdout)} bytes`);
      });

      it('keeps the configured memoryBytes when a request asks for more', async () => {
        const code = 'block = b"x" * (400 * 1024 * 1024)\nprint(len(block))\n';
        const answer = await postExecute(service, { code, limits: { memoryBytes: 4 * 1024 * 1024 * 1024 } });

        assert.equal(answer.status, 200);
        assert.equal(answer.body.status, 'memory_limit');
        assert.equal(answer.body.stdout, '');
      });
    });

    describe('request validation', () => {
      const invalidBodies: Array<{ name: string; body: unknown }> = [
        { name: 'a missing code', body: { stdin: '' } },
        { name: 'code that is an object', body: { code: { source: 'print(1)' } } },
        { name: 'stdin that is an object', body: { code: 'print(1)', stdin: { text: 'a' } } },
        { name: 'limits that are not an object', body: { code: 'print(1)', limits: 'fast' } },
        { name: 'a body that is an array', body: [{ code: 'print(1)' }] },
        { name: 'a zero wallMs', body: { code: 'print(1)', limits: { wallMs: 0 } } },
        { name: 'a negative memoryBytes', body: { code: 'print(1)', limits: { memoryBytes: -1 } } },
        { name: 'a wallMs that is not a number', body: { code: 'print(1)', limits: { wallMs: 'slow' } } },
        { name: 'code over the length limit', body: { code: 'x'.repeat(MAX_SERVICE_CODE_CHARS + 1) } },
      ];

      for (const { name, body } of invalidBodies) {
        it(`rejects ${name}`, async () => {
          const answer = await postExecute<ErrorBody>(service, body);

          assert.equal(answer.status, 400);
          assertErrorShape(answer.body, 'invalid_input');
        });
      }

      it('rejects malformed JSON', async () => {
        const answer = await postExecute<ErrorBody>(service, '{"code": "print(1)"');

        assert.equal(answer.status, 400);
        assertErrorShape(answer.body, /^[a-z]+(_[a-z]+)*$/);
      });

      it('returns only documented statuses', async () => {
        const answer = await postExecute(service, { code: 'raise ValueError("bad value")\n' });

        assert.equal(answer.status, 200);
        assert.ok(RUN_STATUSES.includes(answer.body.status));
        assert.equal(answer.body.status, 'error');
        assert.match(answer.body.stderr, /ValueError: bad value\n$/);
      });
    });
  });

  describe(`busy sandbox service on ${backend}`, () => {
    let service: RunningSandbox;

    before(async () => {
      service = await startSandboxService(backend, { limits: CONFIGURED_LIMITS, concurrency: 1, queueMax: 0 });
    });

    after(async () => {
      await service.close();
    });

    it('answers 503 sandbox_busy with Retry-After while full', async () => {
      const longRun = postExecute(service, { code: 'import time\ntime.sleep(30)\n' });
      // The slot is taken as soon as the request is queued, before the run starts.
      for (let attempt = 0; attempt < 100 && (await getHealth(service)).body.load.active === 0; attempt++) await sleep(20);
      assert.equal((await getHealth(service)).body.load.active, 1);

      const rejected = await postExecute<ErrorBody>(service, { code: 'print("second")' });

      assert.equal(rejected.status, 503);
      assertErrorShape(rejected.body, 'sandbox_busy');
      assert.match(rejected.headers.get('retry-after') ?? '', /^[1-9]\d*$/);

      const first = await longRun;
      assert.equal(first.status, 200);
      assert.equal(first.body.status, 'timeout');
    });

    it('accepts runs again once the slot is free', async () => {
      const answer = await postExecute(service, { code: 'print("after the busy run")' });

      assert.equal(answer.status, 200);
      assert.equal(answer.body.stdout, 'after the busy run\n');
    });
  });
}
