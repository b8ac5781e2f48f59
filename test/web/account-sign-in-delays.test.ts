import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { newAccount, type TestClient } from '../helpers/http-client.js';
import { TEST_REDIS_URL } from '../helpers/databases.js';
import { startAccountTestApp, type AccountTestApp } from '../accounts/account-test-app.js';
import { ACCOUNT_DELAY_POLICY, delayAfterFailures, IP_DELAY_POLICY } from '../../src/web/guards/sign-in-throttle.js';

const WRONG_PASSWORD = 'this is not the right password';

async function isRedisReachable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function failSignIn(client: TestClient, email: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < times; attempt += 1) {
    statuses.push((await client.request('POST', '/api/auth/login', { email, password: WRONG_PASSWORD })).status);
  }
  return statuses;
}

describe('delayAfterFailures', () => {
  it('allows the free failures without delay', () => {
    for (let failures = 0; failures < ACCOUNT_DELAY_POLICY.freeFailures; failures += 1) {
      assert.equal(delayAfterFailures(failures, ACCOUNT_DELAY_POLICY), 0);
    }
  });

  it('doubles the delay after each further failure', () => {
    const delays = [5, 6, 7, 8].map((failures) => delayAfterFailures(failures, ACCOUNT_DELAY_POLICY));
    assert.deepEqual(delays, [2, 4, 8, 16]);
  });

  it('caps the delay', () => {
    assert.equal(delayAfterFailures(40, ACCOUNT_DELAY_POLICY), ACCOUNT_DELAY_POLICY.maxDelaySeconds);
    assert.equal(delayAfterFailures(10_000, IP_DELAY_POLICY), IP_DELAY_POLICY.maxDelaySeconds);
  });

  it('gives an address more free failures than an account', () => {
    assert.ok(IP_DELAY_POLICY.freeFailures > ACCOUNT_DELAY_POLICY.freeFailures);
  });
});

const redisAvailable = process.env.REQUIRE_SERVICES === '1' || (await isRedisReachable());
const stores: Array<'memory' | 'redis'> = redisAvailable ? ['memory', 'redis'] : ['memory'];
if (!redisAvailable) console.log('# Redis is not reachable at 127.0.0.1:6379; sign-in delays are tested in memory only');

for (const store of stores) {
  describe(`progressive sign-in delays (${store})`, () => {
    let app: AccountTestApp;

    before(async () => { app = await startAccountTestApp(store === 'redis' ? { redisUrl: TEST_REDIS_URL } : {}); });
    after(async () => { await app?.close(); });

    it('makes an account wait after five failures and clears after success', async () => {
      const account = await app.register(app.newClient());
      const guesser = app.newClient();

      assert.deepEqual(await failSignIn(guesser, account.email, 5), [401, 401, 401, 401, 401]);
      // The owner, from another address, waits too: the delay belongs to the account.
      const blocked = await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password });
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, 'rate_limited');
      const waitSeconds = Number(blocked.headers.get('retry-after'));
      assert.ok(waitSeconds >= 1, `Retry-After ${waitSeconds}`);
      assert.ok(waitSeconds <= 2, `Retry-After ${waitSeconds}`);

      await sleep(waitSeconds * 1000 + 100);
      assert.deepEqual(await failSignIn(guesser, account.email, 1), [401]);
      const longer = await guesser.request('POST', '/api/auth/login', { email: account.email, password: WRONG_PASSWORD });
      assert.equal(longer.status, 429);
      const longerSeconds = Number(longer.headers.get('retry-after'));
      assert.ok(longerSeconds > 2, `Retry-After ${longerSeconds}`);
      assert.ok(longerSeconds <= 4, `Retry-After ${longerSeconds}`);

      await sleep(longerSeconds * 1000 + 100);
      const owner = app.newClient();
      assert.equal((await owner.request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 200);
      // The success cleared the series: the next failure is one of five free ones again.
      assert.deepEqual(await failSignIn(guesser, account.email, 2), [401, 401]);
    });

    it('throttles unknown emails the same way', async () => {
      const email = newAccount().email;
      const guesser = app.newClient();
      assert.deepEqual(await failSignIn(guesser, email, 6), [401, 401, 401, 401, 401, 429]);
    });

    it('makes an address wait after many failures across accounts', async () => {
      const guesser = app.newClient();
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= IP_DELAY_POLICY.freeFailures; attempt += 1) {
        statuses.push((await guesser.request('POST', '/api/auth/login', { email: newAccount().email, password: WRONG_PASSWORD })).status);
      }
      assert.deepEqual(statuses.slice(0, IP_DELAY_POLICY.freeFailures), Array(IP_DELAY_POLICY.freeFailures).fill(401));
      assert.equal(statuses.at(-1), 429);
      // Another address is not affected.
      const account = await app.register(app.newClient());
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 200);
    });

    it('clears the account delay after a password reset', async () => {
      const account = await app.register(app.newClient());
      await failSignIn(app.newClient(), account.email, 5);
      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password: account.password })).status, 429);

      await app.newClient().request('POST', '/api/auth/password-reset', { email: account.email });
      const token = await app.tokenMailedTo(account.email, 'Reset your LearnPython password');
      const password = 'seventeen paper boats sail north';
      assert.equal((await app.newClient().request('POST', '/api/auth/password-reset/confirm', { token, password })).status, 204);

      assert.equal((await app.newClient().request('POST', '/api/auth/login', { email: account.email, password })).status, 200);
    });
  });
}
