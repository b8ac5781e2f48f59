import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import type { Database } from '../../src/db/client.js';
import { chargeTutorQuestion, nextUtcMidnight, readTutorQuota, refundTutorQuestion, utcDay } from '../../src/tutor/quota.js';
import { databaseKindsToTest, openScratchDatabase } from '../helpers/databases.js';
import { newAccount } from '../helpers/http-client.js';

const LATE_EVENING = new Date('2030-03-09T23:59:59.500Z');
const NEXT_MORNING = new Date('2030-03-10T00:00:00.000Z');

describe('UTC day helpers', () => {
  it('keys the counter by the UTC date', () => {
    assert.equal(utcDay(LATE_EVENING), '2030-03-09');
    assert.equal(utcDay(NEXT_MORNING), '2030-03-10');
  });

  it('resets at the next midnight UTC', () => {
    assert.equal(nextUtcMidnight(LATE_EVENING).toISOString(), NEXT_MORNING.toISOString());
    assert.equal(nextUtcMidnight(NEXT_MORNING).toISOString(), '2030-03-11T00:00:00.000Z');
    assert.equal(nextUtcMidnight(new Date('2030-12-31T12:00:00Z')).toISOString(), '2031-01-01T00:00:00.000Z');
  });
});

for (const kind of await databaseKindsToTest()) {
  describe(`tutor quota counter (${kind})`, () => {
    let database: Database;
    let closeDatabase = async (): Promise<void> => undefined;

    before(async () => {
      ({ database, close: closeDatabase } = await openScratchDatabase(kind));
    });
    after(() => closeDatabase());

    async function newUserId(): Promise<string> {
      const account = newAccount();
      const created = await createUser(database.db, { email: account.email, username: account.username, passwordHash: 'not-a-real-hash' });
      assert.ok(created.ok);
      return created.user.id;
    }

    it('counts up to the limit and then refuses', async () => {
      const userId = await newUserId();

      const first = await chargeTutorQuestion(database.db, userId, 2, LATE_EVENING);
      const second = await chargeTutorQuestion(database.db, userId, 2, LATE_EVENING);
      const third = await chargeTutorQuestion(database.db, userId, 2, LATE_EVENING);
      assert.deepEqual(first, { allowed: true, used: 1, remaining: 1, day: '2030-03-09' });
      assert.deepEqual(second, { allowed: true, used: 2, remaining: 0, day: '2030-03-09' });
      assert.deepEqual(third, { allowed: false, resetsAt: NEXT_MORNING });
    });

    it('starts a new count after midnight UTC', async () => {
      const userId = await newUserId();
      await chargeTutorQuestion(database.db, userId, 1, LATE_EVENING);

      const nextDay = await chargeTutorQuestion(database.db, userId, 1, NEXT_MORNING);
      assert.equal(nextDay.allowed, true);
      assert.equal((await readTutorQuota(database.db, userId, 1, LATE_EVENING)).used, 1);
      assert.equal((await readTutorQuota(database.db, userId, 1, NEXT_MORNING)).used, 1);
    });

    it('refunds on the day of the charge, never below zero', async () => {
      const userId = await newUserId();
      const charge = await chargeTutorQuestion(database.db, userId, 5, LATE_EVENING);
      assert.ok(charge.allowed);

      await refundTutorQuestion(database.db, userId, charge.day);
      await refundTutorQuestion(database.db, userId, charge.day);
      assert.equal((await readTutorQuota(database.db, userId, 5, LATE_EVENING)).used, 0);
    });

    it('refuses every question with a limit of zero', async () => {
      const userId = await newUserId();

      const charge = await chargeTutorQuestion(database.db, userId, 0, LATE_EVENING);
      assert.equal(charge.allowed, false);
      assert.deepEqual(await readTutorQuota(database.db, userId, 0, LATE_EVENING), { limit: 0, used: 0, remaining: 0, resetsAt: NEXT_MORNING.toISOString() });
    });

    it('applies a lowered limit to a counter already past it', async () => {
      const userId = await newUserId();
      for (let count = 0; count < 3; count += 1) await chargeTutorQuestion(database.db, userId, 3, LATE_EVENING);

      assert.equal((await chargeTutorQuestion(database.db, userId, 2, LATE_EVENING)).allowed, false);
      assert.equal((await readTutorQuota(database.db, userId, 2, LATE_EVENING)).remaining, 0);
    });
  });
}
