import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { entitlements } from '../db/schema.js';
import type { PlanCatalogue } from '../learning/content/plans.js';

export interface EffectivePlan {
  planId: string;
  expiresAt: Date | null;
}

/**
 * Computes an account's plan from its live entitlements on every request, never
 * from the session or the client, so an expiry downgrades without anyone acting.
 * When several are live, the one that includes the others wins; a tie keeps the first found.
 */
export async function getEffectivePlan(db: Db, userId: string, plans: PlanCatalogue, now = new Date()): Promise<EffectivePlan> {
  const rows = await db.select().from(entitlements).where(and(
    eq(entitlements.userId, userId),
    isNull(entitlements.revokedAt),
    lte(entitlements.startsAt, now),
    or(isNull(entitlements.endsAt), gt(entitlements.endsAt, now)),
  ));

  let best: EffectivePlan = { planId: 'free', expiresAt: null };
  for (const row of rows) {
    if (!plans.getPlan(row.planId)) continue;
    if (best.planId === 'free' || (plans.planIncludes(row.planId, best.planId) && row.planId !== best.planId)) {
      best = { planId: row.planId, expiresAt: row.endsAt };
    }
  }
  return best;
}
