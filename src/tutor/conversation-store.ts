import { and, desc, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tutorMessages } from '../db/schema.js';

/** Conversation key for questions asked outside any lesson. */
export const GENERAL_CONVERSATION = '';

/**
 * Messages kept per account per lesson. Older ones are deleted when new ones are
 * stored, so a learner who asks every day does not grow the table without bound.
 */
export const MAX_STORED_MESSAGES = 200;

/** One stored question or answer. */
export interface TutorMessage {
  role: 'user' | 'assistant';
  content: string;
  createdAt: Date;
}

/** Stores a question and its answer as two messages, then trims the conversation to its newest messages. */
export async function appendTutorExchange(db: Db, exchange: { userId: string; lessonId: string; question: string; answer: string }): Promise<void> {
  const { userId, lessonId } = exchange;
  // One multi-row insert: both rows are stored or neither, and the question gets the lower id.
  await db.insert(tutorMessages).values([
    { userId, lessonId, role: 'user', content: exchange.question },
    { userId, lessonId, role: 'assistant', content: exchange.answer },
  ]);
  await trimConversation(db, userId, lessonId);
}

/** Returns the newest `count` messages of a conversation, oldest first. */
export async function listRecentTutorMessages(db: Db, userId: string, lessonId: string, count: number): Promise<TutorMessage[]> {
  const rows = await db.select({ role: tutorMessages.role, content: tutorMessages.content, createdAt: tutorMessages.createdAt })
    .from(tutorMessages)
    .where(and(eq(tutorMessages.userId, userId), eq(tutorMessages.lessonId, lessonId)))
    .orderBy(desc(tutorMessages.id))
    .limit(count);
  return rows.reverse();
}

/** Deletes every message of one conversation. */
export async function clearTutorConversation(db: Db, userId: string, lessonId: string): Promise<void> {
  await db.delete(tutorMessages).where(and(eq(tutorMessages.userId, userId), eq(tutorMessages.lessonId, lessonId)));
}

async function trimConversation(db: Db, userId: string, lessonId: string): Promise<void> {
  const inConversation = and(eq(tutorMessages.userId, userId), eq(tutorMessages.lessonId, lessonId));
  const firstDropped = await db.select({ id: tutorMessages.id }).from(tutorMessages)
    .where(inConversation)
    .orderBy(desc(tutorMessages.id))
    .offset(MAX_STORED_MESSAGES)
    .limit(1);
  const newestDroppedId = firstDropped[0]?.id;
  if (newestDroppedId === undefined) return;

  await db.delete(tutorMessages).where(and(inConversation, lte(tutorMessages.id, newestDroppedId)));
}
