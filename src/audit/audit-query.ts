import { desc, eq, or, sql } from 'drizzle-orm';
import { findUserByEmail, normaliseEmail } from '../accounts/users.js';
import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema.js';

export type AuditEventRow = typeof auditEvents.$inferSelect;

/**
 * Lists the newest audit events about one email address: those of its account,
 * and those that name the address, such as throttled sign-ins for it.
 * Returns null when no account has the address and no event names it.
 */
export async function listAuditEventsForEmail(db: Db, email: string, limit: number): Promise<AuditEventRow[] | null> {
  const normalised = normaliseEmail(email);
  const user = await findUserByEmail(db, normalised);
  const namesEmail = sql`${auditEvents.details}->>'email' = ${normalised}`;
  const condition = user ? or(eq(auditEvents.userId, user.id), namesEmail) : namesEmail;

  const rows = await db.select().from(auditEvents).where(condition).orderBy(desc(auditEvents.createdAt), desc(auditEvents.id)).limit(limit);
  if (!user && rows.length === 0) return null;
  return rows;
}
