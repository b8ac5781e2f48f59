import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createUser } from '../../src/accounts/users.js';
import { grantPlanByEmail, PlanAdminError, revokePlanByEmail } from '../../src/billing/admin-plans.js';
import { getEffectivePlan, grantEntitlement, holdsPlanFor } from '../../src/billing/entitlements.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { auditEvents, entitlements } from '../../src/db/schema.js';
import { loadPlans } from '../../src/learning/content/index.js';
import type { PlanCatalogue } from '../../src/learning/content/plans.js';
import { createScratchDatabase, databaseKindsToTest, type ScratchDatabase } from '../helpers/databases.js';
import { newAccount } from '../helpers/http-client.js';

const DAY_MS = 24 * 60 * 60 * 1000;

for (const databaseKind of await databaseKindsToTest()) {
  describe(`entitlements (${databaseKind})`, () => {
    let scratch: ScratchDatabase;
    let database: Database;
    let plans: PlanCatalogue;

    before(async () => {
      scratch = await createScratchDatabase(databaseKind);
      database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir });
      plans = await loadPlans('content');
    });
    after(async () => {
      await database?.close();
      await scratch?.drop();
    });

    async function newUser(): Promise<{ id: string; email: string }> {
      const account = newAccount();
      const created = await createUser(database.db, { email: account.email, username: account.username, passwordHash: 'not-a-real-hash' });
      assert.ok(created.ok);
      return { id: created.user.id, email: account.email };
    }

    async function insertEntitlement(userId: string, planId: string, startsAt: Date, endsAt: Date | null, revokedAt: Date | null = null): Promise<void> {
      await database.db.insert(entitlements).values({ userId, planId, source: 'admin', startsAt, endsAt, revokedAt });
    }

    it('gives free to an account without entitlements', async () => {
      const user = await newUser();

      assert.deepEqual(await getEffectivePlan(database.db, user.id, plans), { planId: 'free', expiresAt: null, heldPlanIds: ['free'] });
    });

    it('lists two plans held together', async () => {
      const user = await newUser();
      const now = new Date();
      await insertEntitlement(user.id, 'standard', new Date(now.getTime() - 2 * DAY_MS), new Date(now.getTime() + 20 * DAY_MS));
      await insertEntitlement(user.id, 'additional', new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 20 * DAY_MS));

      const plan = await getEffectivePlan(database.db, user.id, plans, now);

      assert.equal(plan.planId, 'standard');
      assert.deepEqual([...plan.heldPlanIds!].sort(), ['additional', 'free', 'standard']);
      assert.equal(holdsPlanFor(plans, { plan: plan.planId, plans: plan.heldPlanIds }, 'additional'), true);
      assert.equal(holdsPlanFor(plans, { plan: plan.planId, plans: plan.heldPlanIds }, 'full'), false);
    });

    it('prefers a plan that includes the others', async () => {
      const user = await newUser();
      const now = new Date();
      await insertEntitlement(user.id, 'standard', new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 20 * DAY_MS));
      await insertEntitlement(user.id, 'full', new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 5 * DAY_MS));

      const plan = await getEffectivePlan(database.db, user.id, plans, now);

      assert.equal(plan.planId, 'full');
      assert.equal(plan.expiresAt?.getTime(), now.getTime() + 5 * DAY_MS);
    });

    it('reports the latest end among one plan', async () => {
      const user = await newUser();
      const now = new Date();
      await insertEntitlement(user.id, 'standard', new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 2 * DAY_MS));
      await insertEntitlement(user.id, 'standard', new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 9 * DAY_MS));

      const plan = await getEffectivePlan(database.db, user.id, plans, now);

      assert.equal(plan.expiresAt?.getTime(), now.getTime() + 9 * DAY_MS);
    });

    it('ignores revoked, ended, future and unknown entitlements', async () => {
      const user = await newUser();
      const now = new Date();
      await insertEntitlement(user.id, 'full', new Date(now.getTime() - DAY_MS), null, new Date(now.getTime() - 1000));
      await insertEntitlement(user.id, 'full', new Date(now.getTime() - 2 * DAY_MS), new Date(now.getTime() - DAY_MS));
      await insertEntitlement(user.id, 'full', new Date(now.getTime() + DAY_MS), null);
      await insertEntitlement(user.id, 'retired-plan', new Date(now.getTime() - DAY_MS), null);

      assert.equal((await getEffectivePlan(database.db, user.id, plans, now)).planId, 'free');
    });

    it('extends a repeated purchase from the current end', async () => {
      const user = await newUser();
      const now = new Date();

      const first = await database.db.transaction((tx) => grantEntitlement(tx, { userId: user.id, planId: 'standard', source: 'paypal', durationDays: 30, reason: {}, now }));
      const second = await database.db.transaction((tx) => grantEntitlement(tx, { userId: user.id, planId: 'standard', source: 'paypal', durationDays: 30, reason: {}, now }));

      assert.equal(first?.endsAt?.getTime(), now.getTime() + 30 * DAY_MS);
      assert.equal(second?.endsAt?.getTime(), now.getTime() + 60 * DAY_MS);
    });

    it('writes an audit event for each plan change', async () => {
      const user = await newUser();

      await grantPlanByEmail(database.db, plans, { email: user.email, planId: 'additional', actor: 'test' });
      await revokePlanByEmail(database.db, plans, { email: user.email, planId: 'additional', actor: 'test' });

      const events = await database.db.select().from(auditEvents).where(eq(auditEvents.userId, user.id)).orderBy(auditEvents.id);
      assert.deepEqual(events.map((event) => [event.type, event.details.change, event.details.planId]), [
        ['plan_changed', 'granted', 'additional'],
        ['plan_changed', 'revoked', 'additional'],
      ]);
    });

    it('grants for a chosen number of days', async () => {
      const user = await newUser();
      const now = new Date();

      const entitlement = await grantPlanByEmail(database.db, plans, { email: user.email, planId: 'full', days: 7, now });

      assert.equal(entitlement.source, 'admin');
      assert.equal(entitlement.endsAt?.getTime(), now.getTime() + 7 * DAY_MS);
    });

    it('rejects an unknown email, an unknown plan and the free plan', async () => {
      const user = await newUser();

      await assert.rejects(grantPlanByEmail(database.db, plans, { email: 'nobody@example.com', planId: 'full' }), PlanAdminError);
      await assert.rejects(grantPlanByEmail(database.db, plans, { email: user.email, planId: 'platinum' }), /known plans: free, standard/);
      await assert.rejects(grantPlanByEmail(database.db, plans, { email: user.email, planId: 'free' }), PlanAdminError);
      await assert.rejects(revokePlanByEmail(database.db, plans, { email: 'nobody@example.com', planId: 'full' }), PlanAdminError);
    });
  });
}
