import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { taskProgress } from '../../db/schema.js';

/** Records that a learner passed a task; passing it again keeps the first date. */
export async function recordTaskPassed(db: Db, userId: string, lessonId: string, taskId: string): Promise<void> {
  await db.insert(taskProgress).values({ userId, lessonId, taskId }).onConflictDoNothing();
}

/** Number of passed tasks per lesson id, for the learning path. */
export async function countPassedTasksByLesson(db: Db, userId: string): Promise<Map<string, number>> {
  const rows = await db.select({ lessonId: taskProgress.lessonId, taskId: taskProgress.taskId }).from(taskProgress)
    .where(eq(taskProgress.userId, userId));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.lessonId, (counts.get(row.lessonId) ?? 0) + 1);
  return counts;
}

/** Ids of the tasks a learner has passed in one lesson. */
export async function listPassedTasks(db: Db, userId: string, lessonId: string): Promise<string[]> {
  const rows = await db.select({ taskId: taskProgress.taskId }).from(taskProgress)
    .where(and(eq(taskProgress.userId, userId), eq(taskProgress.lessonId, lessonId)));
  return rows.map((row) => row.taskId);
}
