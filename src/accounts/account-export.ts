import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents, entitlements, payments, sessions, taskProgress, tutorMessages, tutorUsage, users } from '../db/schema.js';
import { describeDevice } from './user-agent.js';

/** Everything stored about one account, as the learner downloads it. */
export interface AccountExport {
  exportedAt: string;
  profile: { id: string; email: string; username: string; emailVerified: boolean; createdAt: string; updatedAt: string };
  entitlements: Array<{ planId: string; source: string; startsAt: string; endsAt: string | null; revokedAt: string | null }>;
  payments: Array<{ transactionId: string; kind: string; status: string; planId: string | null; amount: string | null; currency: string | null; createdAt: string }>;
  sessions: Array<{ id: string; device: string; userAgent: string | null; ip: string | null; createdAt: string; lastSeenAt: string; expiresAt: string; revokedAt: string | null }>;
  progress: Array<{ lessonId: string; taskId: string; passedAt: string }>;
  tutorMessages: Array<{ lessonId: string; role: string; content: string; createdAt: string }>;
  tutorUsage: Array<{ day: string; questions: number }>;
  auditEvents: Array<{ type: string; ip: string | null; details: Record<string, unknown>; createdAt: string }>;
}

/**
 * Collects an account's data for download, or null for an unknown account.
 * Each column is picked by name, so no password hash, session key or token hash
 * can reach the file, whatever columns a table gains later.
 */
export async function exportAccountData(db: Db, userId: string): Promise<AccountExport | null> {
  const userRows = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  const user = userRows[0];
  if (!user) return null;

  return {
    exportedAt: new Date().toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      username: user.username,
      emailVerified: user.emailVerifiedAt !== null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    },
    entitlements: await listEntitlements(db, userId),
    payments: await listPayments(db, userId),
    sessions: await listSessions(db, userId),
    progress: await listProgress(db, userId),
    tutorMessages: await listTutorMessages(db, userId),
    tutorUsage: await listTutorUsage(db, userId),
    auditEvents: await listAuditEvents(db, userId),
  };
}

async function listEntitlements(db: Db, userId: string): Promise<AccountExport['entitlements']> {
  const rows = await db.select().from(entitlements).where(eq(entitlements.userId, userId)).orderBy(asc(entitlements.createdAt));
  return rows.map((row) => ({
    planId: row.planId,
    source: row.source,
    startsAt: row.startsAt.toISOString(),
    endsAt: toIsoOrNull(row.endsAt),
    revokedAt: toIsoOrNull(row.revokedAt),
  }));
}

async function listPayments(db: Db, userId: string): Promise<AccountExport['payments']> {
  const rows = await db.select().from(payments).where(eq(payments.userId, userId)).orderBy(asc(payments.createdAt));
  return rows.map((row) => ({
    transactionId: row.txnId,
    kind: row.kind,
    status: row.status,
    planId: row.planId,
    amount: row.amount,
    currency: row.currency,
    createdAt: row.createdAt.toISOString(),
  }));
}

async function listSessions(db: Db, userId: string): Promise<AccountExport['sessions']> {
  const rows = await db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(asc(sessions.createdAt));
  return rows.map((row) => ({
    id: row.publicId,
    device: describeDevice(row.userAgent),
    userAgent: row.userAgent,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: toIsoOrNull(row.revokedAt),
  }));
}

async function listProgress(db: Db, userId: string): Promise<AccountExport['progress']> {
  const rows = await db.select().from(taskProgress).where(eq(taskProgress.userId, userId)).orderBy(asc(taskProgress.passedAt));
  return rows.map((row) => ({ lessonId: row.lessonId, taskId: row.taskId, passedAt: row.passedAt.toISOString() }));
}

async function listTutorMessages(db: Db, userId: string): Promise<AccountExport['tutorMessages']> {
  const rows = await db.select().from(tutorMessages).where(eq(tutorMessages.userId, userId)).orderBy(asc(tutorMessages.id));
  return rows.map((row) => ({ lessonId: row.lessonId, role: row.role, content: row.content, createdAt: row.createdAt.toISOString() }));
}

async function listTutorUsage(db: Db, userId: string): Promise<AccountExport['tutorUsage']> {
  const rows = await db.select().from(tutorUsage).where(eq(tutorUsage.userId, userId)).orderBy(asc(tutorUsage.day));
  return rows.map((row) => ({ day: row.day, questions: row.used }));
}

async function listAuditEvents(db: Db, userId: string): Promise<AccountExport['auditEvents']> {
  const rows = await db.select().from(auditEvents).where(eq(auditEvents.userId, userId)).orderBy(asc(auditEvents.id));
  return rows.map((row) => ({ type: row.type, ip: row.ip, details: row.details, createdAt: row.createdAt.toISOString() }));
}

function toIsoOrNull(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
