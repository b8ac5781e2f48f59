import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { after, before, describe, it } from 'node:test';
import { TEST_REDIS_URL } from '../helpers/databases.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

async function isRedisReachable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
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

const redisReachable = await isRedisReachable();
const skip = redisReachable || process.env.REQUIRE_SERVICES === '1' ? false : 'Redis is not reachable at 127.0.0.1:6379';

describe('limits shared through Redis', { skip }, () => {
  const prefix = `lp-test-${randomBytes(4).toString('hex')}:`;
  let first: RunningWebApp;
  let second: RunningWebApp;

  before(async () => {
    const env = { REDIS_KEY_PREFIX: prefix, AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '4' };
    first = await startWebApp({ redisUrl: TEST_REDIS_URL, env });
    second = await startWebApp({ redisUrl: TEST_REDIS_URL, env });
  });
  after(async () => {
    await first?.close();
    await second?.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts sign-in attempts across two app instances', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const instance = attempt % 2 === 0 ? first : second;
      const response = await new TestClient(instance.baseUrl).request('POST', '/api/auth/login', { email: `nobody-${attempt}@example.com`, password: 'not a real password' });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses.slice(0, 4), [401, 401, 401, 401]);
    assert.deepEqual(statuses.slice(4), [429, 429]);
  });
});

describe('Redis configured but down', () => {
  let web: RunningWebApp;
  let closedPort: number;

  before(async () => {
    // A port that was just free and is closed again: nothing listens there.
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closedPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    web = await startWebApp({ redisUrl: `redis://127.0.0.1:${closedPort}` });
  });
  after(async () => { await web?.close(); });

  it('fails closed on sign-up with 503', async () => {
    const response = await new TestClient(web.baseUrl).request('POST', '/api/auth/register', newAccount());
    assert.equal(response.status, 503);
    assert.equal(response.body.error.code, 'rate_limit_unavailable');
    assert.ok(Number(response.headers.get('retry-after')) >= 1);
  });

  it('fails closed on sign-in with 503', async () => {
    const response = await new TestClient(web.baseUrl).request('POST', '/api/auth/login', { email: 'a@example.com', password: 'whatever it is' });
    assert.equal(response.status, 503);
  });

  it('keeps serving pages and health checks', async () => {
    const client = new TestClient(web.baseUrl);
    assert.equal((await client.request('GET', '/healthz')).status, 200);
    assert.equal((await client.request('GET', '/learn', undefined, { headers: { accept: 'text/html' } })).status, 200);
  });
});
