import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTutorError, EventStreamParser, summariseLastRun } from '../../src/client/tutor-panel.js';

describe('EventStreamParser', () => {
  it('returns events completed by each chunk', () => {
    const parser = new EventStreamParser();
    assert.deepEqual(parser.push('event: delta\ndata: {"text":"Hel'), []);
    assert.deepEqual(parser.push('lo"}\n\nevent: done\n'), [{ event: 'delta', data: '{"text":"Hello"}' }]);
    assert.deepEqual(parser.push('data: {"remaining":3}\n\n'), [{ event: 'done', data: '{"remaining":3}' }]);
  });

  it('joins data lines and defaults the event name', () => {
    const parser = new EventStreamParser();
    assert.deepEqual(parser.push('data: one\ndata: two\r\n\n: comment only\n\n'), [{ event: 'message', data: 'one\ntwo' }]);
  });
});

describe('summariseLastRun', () => {
  it('keeps status, the start of stdout and the end of stderr', () => {
    const summary = summariseLastRun({ status: 'error', stdout: `${'a'.repeat(5_000)}END`, stderr: `START${'b'.repeat(5_000)}`, exitCode: 1 });
    assert.equal(summary?.status, 'error');
    assert.ok(summary!.stdout.startsWith('aaa'));
    assert.ok(!summary!.stdout.includes('END'));
    assert.ok(!summary!.stderr.includes('START'));
    assert.equal(summary!.stderr.length, summary!.stdout.length);
    assert.equal('exitCode' in summary!, false);
  });

  it('ignores anything that is not a run result', () => {
    assert.equal(summariseLastRun(null), undefined);
    assert.equal(summariseLastRun('ok'), undefined);
    assert.equal(summariseLastRun({ status: 'ok', stdout: 1, stderr: '' }), undefined);
  });
});

describe('describeTutorError', () => {
  it('explains over-long code from the field message', () => {
    const message = describeTutorError(400, { code: 'invalid_input', message: 'Some fields are invalid.', fields: { code: 'must be at most 10000 characters' } }, null);
    assert.match(message, /^Your code must be at most 10000 characters/);
  });

  it('passes the server message through for tutor errors', () => {
    const error = { code: 'tutor_unavailable', message: 'The tutor is not configured on this server.' };
    assert.equal(describeTutorError(503, error, null), error.message);
  });

  it('asks a signed-out learner to sign in', () => {
    assert.match(describeTutorError(401, { code: 'unauthenticated', message: 'Sign in to continue.' }, null), /Sign in again/);
  });
});
