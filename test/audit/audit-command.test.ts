import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import { EXIT, parseAdminCommand, runDatabaseCommand, UsageError } from '../../src/admin/commands.js';
import { recordAuditEvent } from '../../src/audit/audit-log.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { loadPlans } from '../../src/learning/content/index.js';
import type { PlanCatalogue } from '../../src/learning/content/plans.js';

describe('admin audit command', () => {
  let database: Database;
  let plans: PlanCatalogue;

  before(async () => {
    database = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
    plans = await loadPlans('content');
  });
  after(async () => { await database?.close(); });

  it('parses --user and --limit', () => {
    assert.deepEqual(parseAdminCommand(['audit', '--user', 'a@example.com']), { name: 'audit', email: 'a@example.com', limit: 50 });
    assert.deepEqual(parseAdminCommand(['audit', '--user', 'a@example.com', '--limit', '3']), { name: 'audit', email: 'a@example.com', limit: 3 });
    assert.throws(() => parseAdminCommand(['audit']), UsageError);
    assert.throws(() => parseAdminCommand(['audit', 'a@example.com']), UsageError);
  });

  it('prints the account events oldest first with events naming the email', async () => {
    const created = await createUser(database.db, { email: 'auditee@example.com', username: 'auditee', passwordHash: 'hash' });
    assert.ok(created.ok);
    await recordAuditEvent(database.db, { type: 'sign_in_failed', userId: created.user.id, ip: '192.0.2.1', details: { reason: 'wrong_password' } });
    await recordAuditEvent(database.db, { type: 'sign_in_succeeded', userId: created.user.id, ip: '192.0.2.1' });
    await recordAuditEvent(database.db, { type: 'sign_in_throttled', userId: null, ip: '192.0.2.9', details: { email: 'auditee@example.com' } });
    await recordAuditEvent(database.db, { type: 'sign_in_succeeded', userId: null, ip: '192.0.2.2', details: { email: 'someone-else@example.com' } });
    const out: string[] = [];

    const code = await runDatabaseCommand({ name: 'audit', email: 'AUDITEE@example.com', limit: 50 }, database.db, plans, { out: (line) => out.push(line), err: () => undefined });
    assert.equal(code, EXIT.ok);
    assert.equal(out.length, 3);
    assert.match(out[0]!, /\tsign_in_failed\t192\.0\.2\.1\t/);
    assert.match(out[2]!, /\tsign_in_throttled\t192\.0\.2\.9\t/);
  });

  it('fails for an address nothing knows', async () => {
    const err: string[] = [];
    const code = await runDatabaseCommand({ name: 'audit', email: 'ghost@example.com', limit: 50 }, database.db, plans, { out: () => undefined, err: (line) => err.push(line) });
    assert.equal(code, EXIT.failed);
    assert.match(err[0]!, /ghost@example\.com/);
  });
});
