import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/env-parsers.js';
import { DEFAULT_TUTOR_MODEL, isTutorConfigured, parseTutorConfig } from '../../src/config/tutor-config.js';

describe('parseTutorConfig', () => {
  it('switches the tutor off without a key', () => {
    const config = parseTutorConfig({});
    assert.equal(config.apiKey, undefined);
    assert.equal(isTutorConfigured(config), false);
    assert.equal(config.model, DEFAULT_TUTOR_MODEL);
    assert.ok(Object.isFrozen(config));
  });

  it('reads a key, base URL and limits', () => {
    const config = parseTutorConfig({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_MODEL: 'llama3.1',
      TUTOR_TIMEOUT_MS: '5000',
      TUTOR_MAX_ANSWER_TOKENS: '300',
    });
    assert.equal(isTutorConfigured(config), true);
    assert.equal(config.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.equal(config.model, 'llama3.1');
    assert.equal(config.timeoutMs, 5000);
    assert.equal(config.maxAnswerTokens, 300);
  });

  const rejected: Array<[string, Record<string, string>, RegExp]> = [
    ['a base URL of another scheme', { OPENAI_BASE_URL: 'file:///etc/passwd' }, /OPENAI_BASE_URL/],
    ['a timeout that is not a number', { TUTOR_TIMEOUT_MS: 'soon' }, /TUTOR_TIMEOUT_MS/],
    ['too many retries', { TUTOR_MAX_RETRIES: '50' }, /TUTOR_MAX_RETRIES/],
    ['a zero answer length', { TUTOR_MAX_ANSWER_TOKENS: '0' }, /TUTOR_MAX_ANSWER_TOKENS/],
  ];
  for (const [name, env, variable] of rejected) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseTutorConfig(env), (error: unknown) => error instanceof ConfigError && variable.test(error.message));
    });
  }
});
