import { and, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { recordAuditEvent } from '../audit/audit-log.js';
import type { Db } from '../db/client.js';
import { entitlements, users } from '../db/schema.js';
import type { PlanCatalogue } from '../learning/content/plans.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type EntitlementRow = typeof entitlements.$inferSelect;

export interface EffectivePlan {
  /** The plan shown for the account: the one that includes the others, else the first granted. */
  planId: string;
  expiresAt: Date | null;
  /** Every plan with a live entitlement, plus free; access to content is checked against all of them. */
  heldPlanIds?: string[];
}

/** Reason for a plan change, stored with the audit event. */
export interface PlanChangeReason {
  /** PayPal transaction, subscription or event id, when a payment caused it. */
  paymentId?: string;
  /** Free text for operator actions, such as "admin cli". */
  actor?: string;
}

/**
 * Computes an account's plan from its live entitlements on every request, never
 * from the session or the client, so an expiry downgrades without anyone acting.
 * A plan that includes the others wins. Among entitlements to one plan, the one
 * that lasts longest gives the expiry. An account holding two plans where neither
 * includes the other (standard and additional) shows the first granted, and
 * `heldPlanIds` lists both so content of either opens.
 */
export async function getEffectivePlan(db: Db, userId: string, plans: PlanCatalogue, now = new Date()): Promise<EffectivePlan> {
  const rows = await db.select().from(entitlements).where(and(
    eq(entitlements.userId, userId),
    isNull(entitlements.revokedAt),
    lte(entitlements.startsAt, now),
    or(isNull(entitlements.endsAt), gt(entitlements.endsAt, now)),
  )).orderBy(entitlements.startsAt, entitlements.id);

  let best: EffectivePlan = { planId: 'free', expiresAt: null };
  const held = new Set<string>(['free']);
  for (const row of rows) {
    if (!plans.getPlan(row.planId)) continue;
    held.add(row.planId);
    const candidate = { planId: row.planId, expiresAt: row.endsAt };
    if (best.planId === 'free' || isStrictlyLarger(plans, candidate.planId, best.planId) || lastsLonger(candidate, best)) {
      best = candidate;
    }
  }
  return { ...best, heldPlanIds: [...held] };
}

/** Returns true when any plan of the account includes `requiredPlanId`. */
export function holdsPlanFor(plans: PlanCatalogue, holder: { plan: string; plans?: readonly string[] }, requiredPlanId: string): boolean {
  const held = holder.plans ?? [holder.plan];
  return held.some((planId) => plans.planIncludes(planId, requiredPlanId));
}

function isStrictlyLarger(plans: PlanCatalogue, planId: string, thanPlanId: string): boolean {
  return planId !== thanPlanId && plans.planIncludes(planId, thanPlanId);
}

function lastsLonger(candidate: EffectivePlan, current: EffectivePlan): boolean {
  if (candidate.planId !== current.planId || current.expiresAt === null) return false;
  return candidate.expiresAt === null || candidate.expiresAt > current.expiresAt;
}

/**
 * Inserts an entitlement and its audit event; returns null when the account no longer exists.
 * A purchase of a plan the account already has extends it: the new entitlement ends
 * `durationDays` after the latest live one of that plan instead of after now.
 * Run inside a transaction: the account row stays locked until it commits, so two
 * grants for one account cannot both extend from the same end.
 */
export async function grantEntitlement(tx: Db, input: {
  userId: string;
  planId: string;
  source: 'paypal' | 'admin';
  durationDays: number | null;
  reason: PlanChangeReason;
  now?: Date;
}): Promise<EntitlementRow | null> {
  const now = input.now ?? new Date();
  const locked = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
  if (locked.length === 0) return null;

  const endsAt = input.durationDays === null ? null : new Date((await findLatestEnd(tx, input.userId, input.planId, now)).getTime() + input.durationDays * DAY_MS);
  const [row] = await tx.insert(entitlements).values({ userId: input.userId, planId: input.planId, source: input.source, startsAt: now, endsAt }).returning();
  await recordPlanChange(tx, row!, 'granted', input.reason);
  return row!;
}

/** Returns the later of `now` and the end of the account's longest-running live entitlement to `planId`. */
async function findLatestEnd(tx: Db, userId: string, planId: string, now: Date): Promise<Date> {
  const [latest] = await tx.select({ endsAt: entitlements.endsAt }).from(entitlements).where(and(
    eq(entitlements.userId, userId),
    eq(entitlements.planId, planId),
    isNull(entitlements.revokedAt),
    lte(entitlements.startsAt, now),
    gt(entitlements.endsAt, now),
  )).orderBy(desc(entitlements.endsAt)).limit(1);
  return latest?.endsAt ?? now;
}

/** Revokes one entitlement and records the change; returns false when it was already revoked or does not exist. */
export async function revokeEntitlement(tx: Db, entitlementId: string, reason: PlanChangeReason, now = new Date()): Promise<boolean> {
  const rows = await tx.update(entitlements).set({ revokedAt: now })
    .where(and(eq(entitlements.id, entitlementId), isNull(entitlements.revokedAt)))
    .returning();
  if (rows.length === 0) return false;

  await recordPlanChange(tx, rows[0]!, 'revoked', reason);
  return true;
}

/** Moves an entitlement's end forward to `endsAt` when it would last longer; returns false when nothing changed. */
export async function endEntitlement(tx: Db, entitlementId: string, endsAt: Date, reason: PlanChangeReason): Promise<boolean> {
  const rows = await tx.update(entitlements).set({ endsAt })
    .where(and(
      eq(entitlements.id, entitlementId),
      isNull(entitlements.revokedAt),
      or(isNull(entitlements.endsAt), gt(entitlements.endsAt, endsAt)),
    ))
    .returning();
  if (rows.length === 0) return false;

  await recordPlanChange(tx, rows[0]!, 'ended', reason);
  return true;
}

/** Lists an account's live entitlements to one plan. */
export async function listLiveEntitlements(db: Db, userId: string, planId: string, now = new Date()): Promise<EntitlementRow[]> {
  return db.select().from(entitlements).where(and(
    eq(entitlements.userId, userId),
    eq(entitlements.planId, planId),
    isNull(entitlements.revokedAt),
    or(isNull(entitlements.endsAt), gt(entitlements.endsAt, now)),
  ));
}

/** Lists every entitlement an account ever had, newest first. */
export async function listEntitlementHistory(db: Db, userId: string, limit = 50): Promise<EntitlementRow[]> {
  return db.select().from(entitlements).where(eq(entitlements.userId, userId)).orderBy(desc(entitlements.createdAt)).limit(limit);
}

async function recordPlanChange(tx: Db, row: EntitlementRow, change: 'granted' | 'revoked' | 'ended', reason: PlanChangeReason): Promise<void> {
  await recordAuditEvent(tx, {
    type: 'plan_changed',
    userId: row.userId,
    ip: null,
    details: {
      change,
      planId: row.planId,
      source: row.source,
      entitlementId: row.id,
      endsAt: row.endsAt?.toISOString() ?? null,
      ...reason,
    },
  });
}
