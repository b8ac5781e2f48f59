import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSession, findActiveSession, revokeAllSessions, revokeSession } from '../../src/accounts/sessions.js';
import { createUser, findUserByEmail, findUserById } from '../../src/accounts/users.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import fs from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { createScratchDatabase, databaseKindsToTest, type ScratchDatabase } from '../helpers/databases.js';

const POLICY = { idleMinutes: 60, absoluteDays: 30 };
const CLIENT = { ip: '127.0.0.1', userAgent: 'node-test' };

async function selectRows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await database.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

for (const kind of await databaseKindsToTest()) {
  describe(`account storage on ${kind}`, () => {
    let scratch: ScratchDatabase;
    let database: Database;

    before(async () => {
      scratch = await createScratchDatabase(kind);
      database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir });
    });
    after(async () => {
      await database?.close();
      await scratch?.drop();
    });

    it('finds a user by email in any letter case', async () => {
      const created = await createUser(database.db, { email: 'Grace@Example.com', username: 'grace', passwordHash: 'hash' });
      assert.equal(created.ok, true);

      const found = await findUserByEmail(database.db, '  GRACE@example.COM ');
      assert.equal(found?.username, 'grace');
      assert.equal(found?.email, 'grace@example.com');
    });

    it('reports a duplicate email and username as conflicts', async () => {
      await createUser(database.db, { email: 'linus@example.com', username: 'linus', passwordHash: 'hash' });

      const sameEmail = await createUser(database.db, { email: 'LINUS@example.com', username: 'other', passwordHash: 'hash' });
      assert.deepEqual(sameEmail, { ok: false, conflict: 'email' });
      const sameUsername = await createUser(database.db, { email: 'other@example.com', username: 'linus', passwordHash: 'hash' });
      assert.deepEqual(sameUsername, { ok: false, conflict: 'username' });
    });

    it('returns null for an unknown id', async () => {
      assert.equal(await findUserById(database.db, '00000000-0000-4000-8000-000000000000'), null);
    });

    it('stores only the hash of a session token', async () => {
      const created = await createUser(database.db, { email: 'ken@example.com', username: 'ken', passwordHash: 'hash' });
      assert.ok(created.ok);
      const session = await createSession(database.db, created.user.id, POLICY, CLIENT);

      const stored = (await selectRows<{ id_hash: string }>(database, sql`SELECT id_hash FROM sessions WHERE user_id = ${created.user.id}`)).map((row) => row.id_hash);
      assert.equal(stored.includes(session.token), false);
      assert.deepEqual(await findActiveSession(database.db, session.token, POLICY), { idHash: session.idHash, userId: created.user.id });
    });

    it('rejects a revoked session', async () => {
      const created = await createUser(database.db, { email: 'barbara@example.com', username: 'barbara', passwordHash: 'hash' });
      assert.ok(created.ok);
      const kept = await createSession(database.db, created.user.id, POLICY, CLIENT);
      const revoked = await createSession(database.db, created.user.id, POLICY, CLIENT);

      await revokeSession(database.db, revoked.idHash);
      assert.equal(await findActiveSession(database.db, revoked.token, POLICY), null);
      assert.notEqual(await findActiveSession(database.db, kept.token, POLICY), null);

      await revokeAllSessions(database.db, created.user.id);
      assert.equal(await findActiveSession(database.db, kept.token, POLICY), null);
    });

    it('ends a session after the idle window', async () => {
      const created = await createUser(database.db, { email: 'margaret@example.com', username: 'margaret', passwordHash: 'hash' });
      assert.ok(created.ok);
      const session = await createSession(database.db, created.user.id, POLICY, CLIENT);

      await database.db.execute(sql`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE id_hash = ${session.idHash}`);
      assert.equal(await findActiveSession(database.db, session.token, POLICY), null);
    });

    it('ends a session at its absolute expiry', async () => {
      const created = await createUser(database.db, { email: 'frances@example.com', username: 'frances', passwordHash: 'hash' });
      assert.ok(created.ok);
      const session = await createSession(database.db, created.user.id, POLICY, CLIENT);

      await database.db.execute(sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash = ${session.idHash}`);
      assert.equal(await findActiveSession(database.db, session.token, POLICY), null);
    });

    it('records each migration file once', async () => {
      const files = (await fs.readdir('src/db/migrations')).filter((name) => name.endsWith('.sql'));
      if (kind === 'postgres') {
        // Opening the same database again must find nothing left to apply.
        const reopened = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir });
        await reopened.close();
      }

      const rows = await selectRows<{ id: string }>(database, sql`SELECT id FROM schema_migrations ORDER BY id`);
      assert.deepEqual(rows.map((row) => row.id), files.sort());
    });
  });
}
