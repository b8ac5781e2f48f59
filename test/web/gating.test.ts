import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { grantPlanByEmail, revokePlanByEmail } from '../../src/billing/admin-plans.js';
import { entitlements } from '../../src/db/schema.js';
import { loadContent, loadPlans } from '../../src/learning/content/index.js';
import type { PlanCatalogue } from '../../src/learning/content/plans.js';
import type { ContentCatalogue } from '../../src/learning/types.js';
import { createPaidContent, type PaidContent } from '../billing/helpers/paid-content.js';
import { newAccount, TestClient } from '../helpers/http-client.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

describe('lesson gating by plan', () => {
  let paidContent: PaidContent;
  let web: RunningWebApp;
  let plans: PlanCatalogue;
  let content: ContentCatalogue;

  before(async () => {
    paidContent = await createPaidContent();
    plans = await loadPlans(paidContent.contentDir);
    content = await loadContent(paidContent.contentDir);
    web = await startWebApp({ env: { CONTENT_DIR: paidContent.contentDir, AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '10000' } });
  });
  after(async () => {
    await web?.close();
    await paidContent?.remove();
  });

  async function accountWithPlan(planId: string): Promise<{ client: TestClient; email: string; userId: string }> {
    const client = new TestClient(web.baseUrl);
    const account = newAccount();
    const registered = await client.request('POST', '/api/auth/register', account);
    assert.equal(registered.status, 201);
    if (planId !== 'free') await grantPlanByEmail(web.database.db, plans, { email: account.email, planId, actor: 'test' });
    return { client, email: account.email, userId: registered.body.user.id };
  }

  it('opens lessons of two separate plans held together', async () => {
    const { client, email } = await accountWithPlan('standard');
    await grantPlanByEmail(web.database.db, plans, { email, planId: 'additional', actor: 'test' });

    const me = await client.request('GET', '/api/me');
    assert.deepEqual([...me.body.user.plans].sort(), ['additional', 'free', 'standard']);
    for (const lesson of content.listLessons()) {
      const reply = await client.request('GET', `/api/lessons/${lesson.id}`);
      assert.equal(reply.status, lesson.requiredPlan === 'full' ? 403 : 200, lesson.id);
    }
    const page = await client.request('GET', '/lessons/aligned-text', undefined, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
  });

  it('has lessons behind each paid plan', () => {
    const required = new Set(content.listLessons().map((lesson) => lesson.requiredPlan));
    assert.ok(required.has('standard'));
    assert.ok(required.has('additional'));
  });

  it('opens every lesson exactly to the plans that include it', async () => {
    for (const plan of plans.listPlans()) {
      const { client } = await accountWithPlan(plan.id);
      assert.equal((await client.request('GET', '/api/me')).body.user.plan, plan.id);

      for (const lesson of content.listLessons()) {
        const reply = await client.request('GET', `/api/lessons/${lesson.id}`);
        const label = `${plan.id} opening ${lesson.id}`;
        if (plans.planIncludes(plan.id, lesson.requiredPlan)) {
          assert.equal(reply.status, 200, label);
          assert.equal(reply.body.lesson.id, lesson.id, label);
        } else {
          assert.equal(reply.status, 403, label);
          assert.equal(reply.body.error.code, 'plan_required', label);
          assert.equal(reply.body.error.requiredPlan, lesson.requiredPlan, label);
        }
      }
    }
  });

  it('marks the same lessons locked in the lesson list', async () => {
    for (const plan of plans.listPlans()) {
      const { client } = await accountWithPlan(plan.id);

      const list = await client.request('GET', '/api/lessons');

      for (const lesson of list.body.lessons as Array<{ id: string; requiredPlan: string; locked: boolean }>) {
        assert.equal(lesson.locked, !plans.planIncludes(plan.id, lesson.requiredPlan), `${plan.id} listing ${lesson.id}`);
      }
    }
  });

  it('downgrades to free once the entitlement has ended', async () => {
    const { client, userId } = await accountWithPlan('standard');
    assert.equal((await client.request('GET', '/api/lessons/dictionaries')).status, 200);

    const past = new Date(Date.now() - 60_000);
    await web.database.db.update(entitlements).set({ startsAt: new Date(past.getTime() - 60_000), endsAt: past }).where(eq(entitlements.userId, userId));

    const me = await client.request('GET', '/api/me');
    assert.equal(me.body.user.plan, 'free');
    assert.equal(me.body.user.planExpiresAt, null);
    assert.equal((await client.request('GET', '/api/lessons/dictionaries')).status, 403);
  });

  it('closes the lessons again after an admin revoke', async () => {
    const { client, email } = await accountWithPlan('full');
    assert.equal((await client.request('GET', '/api/lessons/aligned-text')).status, 200);

    const revoked = await revokePlanByEmail(web.database.db, plans, { email, planId: 'full', actor: 'test' });

    assert.equal(revoked, 1);
    assert.equal((await client.request('GET', '/api/me')).body.user.plan, 'free');
    assert.equal((await client.request('GET', '/api/lessons/aligned-text')).status, 403);
  });

  it('shows a locked page for a paid lesson', async () => {
    const { client } = await accountWithPlan('additional');

    const page = await client.request('GET', '/lessons/dictionaries', undefined, { headers: { accept: 'text/html' } });

    assert.equal(page.status, 403);
    assert.match(page.body, /Standard plan/);
  });
});
