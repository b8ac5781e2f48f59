import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPlans } from '../../src/learning/content/index.js';
import { databaseKindsToTest } from '../helpers/databases.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';
import { startFakeOpenAi, type FakeOpenAi } from '../tutor/fake-openai.js';

const FREE_DAILY_LIMIT = (await loadPlans(path.resolve('content'))).getPlan('free')!.tutorDailyLimit;
const PARALLEL_REQUESTS = 50;

for (const databaseKind of await databaseKindsToTest()) {
  describe(`tutor daily quota (${databaseKind})`, () => {
    let fake: FakeOpenAi;
    let web: RunningWebApp;

    before(async () => {
      fake = await startFakeOpenAi();
      web = await startWebApp({
        databaseKind,
        env: { OPENAI_API_KEY: 'test', OPENAI_BASE_URL: fake.baseUrl, TUTOR_REQUESTS_PER_MINUTE_PER_USER: '1000', AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000' },
      });
    });
    after(async () => {
      await web?.close();
      await fake?.close();
    });

    it(`allows exactly the plan limit out of ${PARALLEL_REQUESTS} parallel questions`, async () => {
      assert.ok(FREE_DAILY_LIMIT < PARALLEL_REQUESTS, 'the race needs more requests than the limit');
      const client = new TestClient(web.baseUrl);
      assert.equal((await client.request('POST', '/api/auth/register', newAccount())).status, 201);
      await client.fetchCsrfToken();

      const responses = await Promise.all(
        Array.from({ length: PARALLEL_REQUESTS }, (_, index) => client.request('POST', '/api/tutor', { message: `Question ${index}` })),
      );
      const answered = responses.filter((response) => response.status === 200);
      const overLimit = responses.filter((response) => response.status === 429);
      assert.equal(answered.length, FREE_DAILY_LIMIT);
      assert.equal(overLimit.length, PARALLEL_REQUESTS - FREE_DAILY_LIMIT);
      assert.ok(overLimit.every((response) => response.body.error.code === 'daily_limit_reached'));
      assert.ok(overLimit.every((response) => Number(response.headers.get('retry-after')) > 0));
      assert.deepEqual(answered.map((response) => response.body.remaining).sort((a, b) => a - b), Array.from({ length: FREE_DAILY_LIMIT }, (_, index) => index));
      assert.equal(fake.requests.length, FREE_DAILY_LIMIT);

      const quota = await client.request('GET', '/api/tutor/quota');
      assert.deepEqual({ used: quota.body.used, remaining: quota.body.remaining }, { used: FREE_DAILY_LIMIT, remaining: 0 });
    });
  });
}
