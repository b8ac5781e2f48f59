import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { taskProgress } from '../../db/schema.js';

/** Records that a learner passed a task; passing it again keeps the first date. */
export async function recordTaskPassed(db: Db, userId: string, lessonId: string, taskId: string): Promise<void> {
  await db.insert(taskProgress).values({ userId, lessonId, taskId }).onConflictDoNothing();
}

/** Ids of the tasks a learner has passed in one lesson. */
export async function listPassedTasks(db: Db, userId: string, lessonId: string): Promise<string[]> {
  const rows = await db.select({ taskId: taskProgress.taskId }).from(taskProgress)
    .where(and(eq(taskProgress.userId, userId), eq(taskProgress.lessonId, lessonId)));
  return rows.map((row) => row.taskId);
}
