import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema.js';

/** Kinds of security-relevant events kept in the audit log. */
export type AuditEventType =
  | 'sign_in_succeeded'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'signed_out'
  | 'account_created'
  | 'session_revoked'
  | 'email_verification_sent'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'account_data_exported'
  | 'account_deleted'
  | 'plan_changed'
  | 'sandbox_limit_hit';

/** Appends an event to the audit log; details must not contain passwords, tokens or learner code. */
export async function recordAuditEvent(db: Db, event: { type: AuditEventType; userId: string | null; ip: string | null; details?: Record<string, unknown> }): Promise<void> {
  await db.insert(auditEvents).values({ type: event.type, userId: event.userId, ip: event.ip, details: event.details ?? {} });
}
