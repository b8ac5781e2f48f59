import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isStrongSecret } from '../../src/config/env-parsers.js';
import { parseSandboxConfig } from '../../src/config/sandbox-config.js';
import { parseWebConfig } from '../../src/config/web-config.js';

const STRONG = 'c1f4a9e07b3d52e8a6f0c2b9d1e7a3f58b4c6d0e2f9a1b3c5d7e9f0a2b4c6d8e';
const PRODUCTION = { NODE_ENV: 'production', SANDBOX_SECRET: STRONG, CSRF_SECRET: STRONG, PUBLIC_URL: 'https://learn.example.com' };

describe('parseWebConfig', () => {
  it('starts locally with only a sandbox secret', () => {
    const config = parseWebConfig({ SANDBOX_SECRET: 'dev' });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.maxCodeChars, 10_000);
    assert.equal(config.secureCookies, false);
    assert.equal(config.databaseUrl, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('accepts a complete production configuration', () => {
    const config = parseWebConfig(PRODUCTION);
    assert.equal(config.secureCookies, true);
    assert.equal(config.production, true);
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ['a missing sandbox secret', { SANDBOX_SECRET: '' }, /SANDBOX_SECRET/],
    ['a weak sandbox secret in production', { ...PRODUCTION, SANDBOX_SECRET: 'short' }, /SANDBOX_SECRET/],
    ['a repeated-character secret in production', { ...PRODUCTION, SANDBOX_SECRET: 'a'.repeat(64) }, /SANDBOX_SECRET/],
    ['a missing CSRF secret in production', { ...PRODUCTION, CSRF_SECRET: '' }, /CSRF_SECRET/],
    ['an http public URL in production', { ...PRODUCTION, PUBLIC_URL: 'http://learn.example.com' }, /PUBLIC_URL/],
    ['insecure cookies in production', { ...PRODUCTION, SECURE_COOKIES: 'false' }, /SECURE_COOKIES/],
    ['a port that is not a number', { SANDBOX_SECRET: 'dev', PORT: 'eighty' }, /PORT/],
    ['a port out of range', { SANDBOX_SECRET: 'dev', PORT: '70000' }, /PORT/],
    ['a database URL of another kind', { SANDBOX_SECRET: 'dev', DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL/],
    ['trusting every proxy', { SANDBOX_SECRET: 'dev', TRUST_PROXY: 'true' }, /TRUST_PROXY/],
  ];
  for (const [name, env, variable] of refusals) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseWebConfig(env), (error: unknown) => error instanceof ConfigError && variable.test(error.message));
    });
  }
});

describe('parseSandboxConfig', () => {
  it('uses the specification limits by default', () => {
    const config = parseSandboxConfig({ SANDBOX_SECRET: 'dev' });
    assert.deepEqual(config.limits, { cpuMs: 2000, wallMs: 5000, memoryBytes: 128 * 1024 * 1024, maxProcesses: 32, maxFileBytes: 1024 * 1024, maxOutputBytes: 64 * 1024 });
    assert.equal(config.backend, 'auto');
  });

  it('rejects a weak secret in production', () => {
    assert.throws(() => parseSandboxConfig({ NODE_ENV: 'production', SANDBOX_SECRET: 'hunter2' }), /SANDBOX_SECRET/);
  });

  it('rejects an unknown backend', () => {
    assert.throws(() => parseSandboxConfig({ SANDBOX_SECRET: 'dev', SANDBOX_BACKEND: 'docker' }), /SANDBOX_BACKEND/);
  });
});

describe('isStrongSecret', () => {
  it('accepts 32 random bytes in hex and base64url', () => {
    assert.equal(isStrongSecret(STRONG), true);
    assert.equal(isStrongSecret('q3Jd8LwZ0vYp4nR7sT2uX6cB9eF1gH5kM3oP8rA0wE4'), true);
  });

  it('rejects short and low-variety secrets', () => {
    assert.equal(isStrongSecret('0123456789abcdef'), false);
    assert.equal(isStrongSecret('ab'.repeat(40)), false);
  });
});
