import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listUsableBackends } from '../../../src/sandbox/backends/select.js';

// Sandbox suites run against whatever listUsableBackends() finds, so a host without
// bubblewrap would quietly test Pyodide only. CI sets REQUIRE_SERVICES=1 to forbid that.
describe('usable sandbox backends', () => {
  it('include both backends where required', { skip: process.env.REQUIRE_SERVICES === '1' ? false : 'REQUIRE_SERVICES is not set' }, async () => {
    const backends = await listUsableBackends();
    assert.ok(backends.includes('bubblewrap'), 'bubblewrap cannot run here: install it with apt-get install -y bubblewrap');
    assert.ok(backends.includes('pyodide'));
  });

  it('lists the strongest backend first', async () => {
    const backends = await listUsableBackends();
    assert.ok(backends.length >= 1);
    if (backends.includes('bubblewrap')) assert.equal(backends[0], 'bubblewrap');
  });
});
