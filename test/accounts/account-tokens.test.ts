import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { consumeAccountToken, findLiveAccountToken, hashAccountToken, issueAccountToken, issueDummyAccountToken } from '../../src/accounts/account-tokens.js';
import { createUser } from '../../src/accounts/users.js';
import type { Database } from '../../src/db/client.js';
import { databaseKindsToTest, openScratchDatabase } from '../helpers/databases.js';

let userCounter = 0;

for (const kind of await databaseKindsToTest()) {
  describe(`account tokens on ${kind}`, () => {
    let database: Database;
    let closeDatabase = async (): Promise<void> => undefined;

    before(async () => {
      ({ database, close: closeDatabase } = await openScratchDatabase(kind));
    });
    after(() => closeDatabase());

    async function newUser(): Promise<{ id: string; email: string }> {
      userCounter += 1;
      const created = await createUser(database.db, { email: `token-user-${userCounter}@example.com`, username: `token_user_${userCounter}`, passwordHash: 'hash' });
      assert.ok(created.ok);
      return { id: created.user.id, email: created.user.email };
    }

    it('issues a 32-byte token and stores only its hash', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'verify_email', email: user.email });
      assert.equal(Buffer.from(token, 'base64url').length, 32);

      const rows = (await database.db.execute(sql`SELECT token_hash FROM account_tokens WHERE user_id = ${user.id}`)) as unknown as { rows: Array<{ token_hash: string }> };
      assert.deepEqual(rows.rows.map((row) => row.token_hash), [hashAccountToken(token)]);
    });

    it('consumes a token once', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });

      assert.deepEqual(await consumeAccountToken(database.db, token, ['password_reset']), { userId: user.id, purpose: 'password_reset', email: user.email });
      assert.equal(await consumeAccountToken(database.db, token, ['password_reset']), null);
    });

    it('lets only one of two racing uses succeed', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });

      const results = await Promise.all([
        consumeAccountToken(database.db, token, ['password_reset']),
        consumeAccountToken(database.db, token, ['password_reset']),
      ]);
      assert.equal(results.filter((result) => result !== null).length, 1);
    });

    it('finds a live token without using it', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });

      assert.equal((await findLiveAccountToken(database.db, token, ['password_reset']))?.userId, user.id);
      assert.equal((await consumeAccountToken(database.db, token, ['password_reset']))?.userId, user.id);
    });

    it('rejects a token of another purpose', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'verify_email', email: user.email });
      assert.equal(await consumeAccountToken(database.db, token, ['password_reset']), null);
    });

    it('rejects an expired token', async () => {
      const user = await newUser();
      const token = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });
      await database.db.execute(sql`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = ${hashAccountToken(token)}`);

      assert.equal(await findLiveAccountToken(database.db, token, ['password_reset']), null);
      assert.equal(await consumeAccountToken(database.db, token, ['password_reset']), null);
    });

    it('keeps only the newest token of a purpose live', async () => {
      const user = await newUser();
      const first = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });
      const verification = await issueAccountToken(database.db, { userId: user.id, purpose: 'verify_email', email: user.email });
      const second = await issueAccountToken(database.db, { userId: user.id, purpose: 'password_reset', email: user.email });

      assert.equal(await consumeAccountToken(database.db, first, ['password_reset']), null);
      assert.notEqual(await consumeAccountToken(database.db, second, ['password_reset']), null);
      assert.notEqual(await consumeAccountToken(database.db, verification, ['verify_email']), null);
    });

    it('rejects empty and oversized tokens without a lookup', async () => {
      assert.equal(await consumeAccountToken(database.db, '', ['password_reset']), null);
      assert.equal(await findLiveAccountToken(database.db, 'x'.repeat(101), ['password_reset']), null);
    });

    it('stores nothing for a dummy token', async () => {
      const before = (await database.db.execute(sql`SELECT count(*)::int AS count FROM account_tokens`)) as unknown as { rows: Array<{ count: number }> };
      await issueDummyAccountToken(database.db, 'password_reset');
      const after = (await database.db.execute(sql`SELECT count(*)::int AS count FROM account_tokens`)) as unknown as { rows: Array<{ count: number }> };
      assert.equal(after.rows[0]!.count, before.rows[0]!.count);
    });
  });
}
