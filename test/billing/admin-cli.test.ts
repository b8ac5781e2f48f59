import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import { EXIT, listPlansCommand, parseAdminCommand, runDatabaseCommand, UsageError } from '../../src/admin/commands.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { loadPlans } from '../../src/learning/content/index.js';
import type { PlanCatalogue } from '../../src/learning/content/plans.js';
import { newAccount } from '../helpers/http-client.js';

function collector(): { out: string[]; err: string[]; output: { out(line: string): void; err(line: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (line) => out.push(line), err: (line) => err.push(line) } };
}

describe('admin command line parsing', () => {
  it('parses grant with and without --days', () => {
    assert.deepEqual(parseAdminCommand(['grant', 'a@example.com', 'standard']), { name: 'grant', email: 'a@example.com', planId: 'standard' });
    assert.deepEqual(parseAdminCommand(['grant', 'a@example.com', 'full', '--days', '14']), { name: 'grant', email: 'a@example.com', planId: 'full', days: 14 });
  });

  it('parses revoke, plans and ledger', () => {
    assert.deepEqual(parseAdminCommand(['revoke', 'a@example.com', 'full']), { name: 'revoke', email: 'a@example.com', planId: 'full' });
    assert.deepEqual(parseAdminCommand(['plans']), { name: 'plans' });
    assert.deepEqual(parseAdminCommand(['ledger']), { name: 'ledger', limit: 20 });
    assert.deepEqual(parseAdminCommand(['ledger', '--limit', '5']), { name: 'ledger', limit: 5 });
  });

  it('rejects malformed command lines', () => {
    const cases = [[], ['bogus'], ['grant', 'a@example.com'], ['grant', 'a@example.com', 'full', '--days', '0'], ['grant', 'a@example.com', 'full', '--days'],
      ['grant', 'a@example.com', 'full', '--weeks', '2'], ['ledger', '--limit', 'many'], ['plans', 'extra']];
    for (const argv of cases) assert.throws(() => parseAdminCommand(argv), UsageError, argv.join(' '));
  });
});

describe('admin commands', () => {
  let database: Database;
  let plans: PlanCatalogue;

  before(async () => {
    database = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
    plans = await loadPlans('content');
  });
  after(async () => {
    await database?.close();
  });

  it('lists the plans', () => {
    const { out, output } = collector();

    assert.equal(listPlansCommand(plans, output), EXIT.ok);
    assert.equal(out.length, plans.listPlans().length);
    assert.match(out[1]!, /^standard\tStandard\t9\.00 USD\t30 days/);
  });

  it('grants and revokes a plan by email', async () => {
    const account = newAccount();
    await createUser(database.db, { email: account.email, username: account.username, passwordHash: 'not-a-real-hash' });
    const granted = collector();
    const revoked = collector();

    assert.equal(await runDatabaseCommand({ name: 'grant', email: account.email, planId: 'full', days: 3 }, database.db, plans, granted.output), EXIT.ok);
    assert.equal(await runDatabaseCommand({ name: 'revoke', email: account.email, planId: 'full' }, database.db, plans, revoked.output), EXIT.ok);

    assert.match(granted.out[0]!, /^Granted full to /);
    assert.match(revoked.out[0]!, /^Revoked 1 entitlement/);
  });

  it('fails with a message for an unknown email', async () => {
    const { err, output } = collector();

    const code = await runDatabaseCommand({ name: 'grant', email: 'nobody@example.com', planId: 'full' }, database.db, plans, output);

    assert.equal(code, EXIT.failed);
    assert.equal(err[0], 'No account has the email nobody@example.com.');
  });

  it('fails when there is nothing to revoke', async () => {
    const account = newAccount();
    await createUser(database.db, { email: account.email, username: account.username, passwordHash: 'not-a-real-hash' });
    const { err, output } = collector();

    const code = await runDatabaseCommand({ name: 'revoke', email: account.email, planId: 'standard' }, database.db, plans, output);

    assert.equal(code, EXIT.failed);
    assert.match(err[0]!, /nothing was revoked/);
  });
});

describe('admin CLI process', () => {
  let dataDir: string;

  before(async () => { dataDir = await mkdtemp(path.join(os.tmpdir(), 'lp-admin-cli-')); });
  after(async () => { await rm(dataDir, { recursive: true, force: true }); });

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const env = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, CONTENT_DIR: path.resolve('content') };
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/admin/cli.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 2 with usage for an unknown command', async () => {
    const result = await runCli(['bogus']);

    assert.equal(result.code, EXIT.usage);
    assert.match(result.stderr, /Unknown command "bogus"/);
    assert.match(result.stderr, /Usage:/);
  });

  it('exits 1 for an unknown email on the embedded database', async () => {
    const result = await runCli(['grant', 'nobody@example.com', 'standard']);

    assert.equal(result.code, EXIT.failed);
    assert.match(result.stderr, /No account has the email nobody@example.com/);
  });
});
