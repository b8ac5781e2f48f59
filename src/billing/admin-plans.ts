import { findUserByEmail } from '../accounts/users.js';
import type { Db } from '../db/client.js';
import { FREE_PLAN_ID, type Plan, type PlanCatalogue } from '../learning/content/plans.js';
import { grantEntitlement, listLiveEntitlements, revokeEntitlement, type EntitlementRow } from './entitlements.js';

/** Error for an operator mistake, such as an unknown email or plan. The message names the fix. */
export class PlanAdminError extends Error {
  override name = 'PlanAdminError';
}

/**
 * Grants `planId` to the account with `email` for `days` days, or for the plan's
 * own duration when `days` is left out. Throws PlanAdminError for an unknown
 * account or plan, or for the free plan, which every account has already.
 */
export async function grantPlanByEmail(db: Db, plans: PlanCatalogue, input: { email: string; planId: string; days?: number; actor?: string; now?: Date }): Promise<EntitlementRow> {
  const plan = requirePaidPlan(plans, input.planId);
  const user = await findUserByEmail(db, input.email);
  if (!user) throw new PlanAdminError(`No account has the email ${input.email}.`);
  if (input.days !== undefined && (!Number.isInteger(input.days) || input.days < 1)) throw new PlanAdminError('--days must be a whole number of at least 1.');

  const entitlement = await db.transaction((tx) => grantEntitlement(tx, {
    userId: user.id,
    planId: plan.id,
    source: 'admin',
    durationDays: input.days ?? plan.durationDays,
    reason: { actor: input.actor ?? 'admin' },
    now: input.now,
  }));
  if (!entitlement) throw new PlanAdminError(`The account ${input.email} was deleted while the plan was being granted.`);
  return entitlement;
}

/**
 * Revokes every live entitlement to `planId` of the account with `email`, whatever
 * granted it, and returns how many were revoked. Throws PlanAdminError for an
 * unknown account or plan.
 */
export async function revokePlanByEmail(db: Db, plans: PlanCatalogue, input: { email: string; planId: string; actor?: string; now?: Date }): Promise<number> {
  const plan = requirePaidPlan(plans, input.planId);
  const user = await findUserByEmail(db, input.email);
  if (!user) throw new PlanAdminError(`No account has the email ${input.email}.`);

  return db.transaction(async (tx) => {
    let revoked = 0;
    for (const entitlement of await listLiveEntitlements(tx, user.id, plan.id, input.now)) {
      if (await revokeEntitlement(tx, entitlement.id, { actor: input.actor ?? 'admin' }, input.now)) revoked += 1;
    }
    return revoked;
  });
}

function requirePaidPlan(plans: PlanCatalogue, planId: string): Plan {
  const plan = plans.getPlan(planId);
  if (!plan) throw new PlanAdminError(`No plan has the id ${planId}; known plans: ${plans.listPlans().map((known) => known.id).join(', ')}.`);
  if (plan.id === FREE_PLAN_ID) throw new PlanAdminError('Every account has the free plan; grant or revoke a paid plan instead.');
  return plan;
}
