import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadContent } from '../../src/learning/content/index.js';
import { listUsableBackends } from '../../src/sandbox/backends/select.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startSandboxService, type RunningSandbox } from '../helpers/sandbox-service.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

const [backendName] = await listUsableBackends();
const content = await loadContent(path.resolve('content'));
const lesson = content.listLessons()[0]!;
const task = lesson.tasks[0]!;

describe('POST /api/lessons/:id/tasks/:taskId/check', () => {
  let sandbox: RunningSandbox;
  let web: RunningWebApp;
  let client: TestClient;
  const checkPath = `/api/lessons/${lesson.id}/tasks/${task.id}/check`;

  before(async () => {
    sandbox = await startSandboxService(backendName!);
    web = await startWebApp({ sandboxUrl: sandbox.url, sandboxSecret: sandbox.secret });
    client = new TestClient(web.baseUrl);
    await client.request('POST', '/api/auth/register', newAccount());
  });
  after(async () => {
    await web?.close();
    await sandbox?.close();
  });

  it('fails the starter code and shows the expected output', async () => {
    const response = await client.request('POST', checkPath, { code: task.starterCode });
    assert.equal(response.status, 200);
    assert.equal(response.body.passed, false);
    const failed = response.body.checks.find((check: { passed: boolean }) => !check.passed);
    assert.equal(failed.expectedOutput, task.checks.find((check) => check.stdin === failed.stdin)?.expectedOutput);
  });

  it('passes the reference solution and records progress', async () => {
    const before = await client.request('GET', `/api/lessons/${lesson.id}/progress`);
    assert.deepEqual(before.body.passedTasks, []);

    const response = await client.request('POST', checkPath, { code: task.solution });
    assert.equal(response.status, 200);
    assert.equal(response.body.passed, true);
    assert.equal(response.body.checks.length, task.checks.length);

    const progress = await client.request('GET', `/api/lessons/${lesson.id}/progress`);
    assert.deepEqual(progress.body.passedTasks, [task.id]);
    const path = await client.request('GET', '/learn', undefined, { headers: { accept: 'text/html' } });
    assert.match(path.body as string, new RegExp(`1 of ${lesson.tasks.length} tasks passed`));
  });

  it('answers 404 for an unknown task', async () => {
    const response = await client.request('POST', `/api/lessons/${lesson.id}/tasks/no-such-task/check`, { code: 'print(1)' });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'not_found');
  });

  it('requires the CSRF token', async () => {
    const response = await client.request('POST', checkPath, { code: task.solution }, { csrf: false });
    assert.equal(response.status, 403);
  });

  it('never sends the reference solution to the browser', async () => {
    const response = await client.request('GET', `/api/lessons/${lesson.id}`);
    assert.equal(JSON.stringify(response.body).includes(task.solution.trim()), false);
  });
});
