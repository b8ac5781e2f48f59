import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import type { Database } from '../../src/db/client.js';
import {
  appendTutorExchange,
  clearTutorConversation,
  GENERAL_CONVERSATION,
  listRecentTutorMessages,
  MAX_STORED_MESSAGES,
} from '../../src/tutor/conversation-store.js';
import { databaseKindsToTest, openScratchDatabase } from '../helpers/databases.js';
import { newAccount } from '../helpers/http-client.js';

for (const kind of await databaseKindsToTest()) {
  describe(`tutor conversation store (${kind})`, () => {
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

    it('lists the newest messages oldest first', async () => {
      const userId = await newUserId();
      await appendTutorExchange(database.db, { userId, lessonId: 'printing', question: 'q1', answer: 'a1' });
      await appendTutorExchange(database.db, { userId, lessonId: 'printing', question: 'q2', answer: 'a2' });

      const recent = await listRecentTutorMessages(database.db, userId, 'printing', 3);
      assert.deepEqual(recent.map((message) => `${message.role}:${message.content}`), ['assistant:a1', 'user:q2', 'assistant:a2']);
    });

    it('keeps lessons and accounts apart', async () => {
      const userId = await newUserId();
      const otherUserId = await newUserId();
      await appendTutorExchange(database.db, { userId, lessonId: 'printing', question: 'lesson q', answer: 'lesson a' });
      await appendTutorExchange(database.db, { userId, lessonId: GENERAL_CONVERSATION, question: 'general q', answer: 'general a' });

      assert.deepEqual((await listRecentTutorMessages(database.db, userId, GENERAL_CONVERSATION, 10)).map((message) => message.content), ['general q', 'general a']);
      assert.deepEqual(await listRecentTutorMessages(database.db, otherUserId, 'printing', 10), []);

      await clearTutorConversation(database.db, userId, 'printing');
      assert.deepEqual(await listRecentTutorMessages(database.db, userId, 'printing', 10), []);
      assert.equal((await listRecentTutorMessages(database.db, userId, GENERAL_CONVERSATION, 10)).length, 2);
    });

    it(`trims a conversation to ${MAX_STORED_MESSAGES} messages`, async () => {
      const userId = await newUserId();
      const exchanges = MAX_STORED_MESSAGES / 2 + 1;
      for (let index = 0; index < exchanges; index += 1) {
        await appendTutorExchange(database.db, { userId, lessonId: 'loops', question: `q${index}`, answer: `a${index}` });
      }

      const stored = await listRecentTutorMessages(database.db, userId, 'loops', MAX_STORED_MESSAGES * 2);
      assert.equal(stored.length, MAX_STORED_MESSAGES);
      assert.equal(stored[0]!.content, 'q1');
      assert.equal(stored.at(-1)!.content, `a${exchanges - 1}`);
    });
  });
}
