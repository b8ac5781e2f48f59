/** Server-rendered billing pages: the price list, the PayPal checkout step and the account's billing page. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PublicUser } from '../../accounts/users.js';
import { buildCheckoutForm, isPurchasablePlan } from '../../billing/checkout.js';
import { listEntitlementHistory } from '../../billing/entitlements.js';
import { listAccountPayments } from '../../billing/ledger.js';
import type { PaypalConfig } from '../../config/paypal-config.js';
import type { Db } from '../../db/client.js';
import { FREE_PLAN_ID, type PlanCatalogue } from '../../learning/content/plans.js';
import type { Lesson } from '../../learning/types.js';
import type { RouteSecurity } from '../plugins/route-security.js';
import type { RateLimitRules } from './limits.js';

export interface BillingPageOptions {
  db: Db;
  paypal: Readonly<PaypalConfig> | null;
  publicUrl: URL;
  rules: RateLimitRules;
}

interface PlanCard {
  id: string;
  name: string;
  price: string;
  currency: string;
  durationDays: number | null;
  tutorDailyLimit: number;
  purchasable: boolean;
  current: boolean;
  /** Number of free lessons the plan opens, or 0 on the free plan, which lists them in `lessonTitles`. */
  freeLessonCount: number;
  /** Titles of the lessons the plan opens beyond the free ones, in course order. The free plan lists its own lessons here. */
  lessonTitles: string[];
}

/** A time shown as a date and a time of day in UTC, because the server does not know the reader's time zone. */
interface DateView {
  iso: string;
  /** Such as "3 January 2027". */
  date: string;
  /** Such as "21:31 UTC". */
  time: string;
}

/**
 * Registers GET /pricing, GET /pricing/:planId and GET /account/billing. The
 * checkout step renders PayPal's form server-side, so buying needs no script;
 * the CSP's form-action allows PayPal's checkout host.
 */
export async function billingPageRoutes(app: FastifyInstance, options: BillingPageOptions): Promise<void> {
  // The pages only read. Handlers send signed-out visitors to sign in, which serves a browser better than a 401.
  const security: RouteSecurity = { access: 'public', csrf: 'safe-method', rateLimits: { perIp: options.rules.apiPerIp } };

  app.get<{ Querystring: { checkout?: string } }>('/pricing', { config: { security } }, async (request, reply) => {
    return reply.view('pricing.njk', {
      plans: toPlanCards(app.plans, app.content.listLessons(), request.user ? listOwnPlanIds(request.user) : []),
      paymentsEnabled: options.paypal !== null,
      checkoutCancelled: request.query.checkout === 'cancelled',
      checkout: null,
      paymentsOff: false,
    });
  });

  app.get<{ Params: { planId: string } }>('/pricing/:planId', { config: { security } }, async (request, reply) => {
    const plan = app.plans.getPlan(request.params.planId);
    if (!plan) return reply.code(404).view('not-found.njk');
    if (!isPurchasablePlan(plan)) return reply.redirect('/pricing');
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent(`/pricing/${plan.id}`)}`);

    // A fresh signed reference per view: the page must not be cached or shared.
    reply.header('cache-control', 'no-store');
    return reply.view('pricing.njk', {
      plans: [],
      paymentsEnabled: options.paypal !== null,
      checkoutCancelled: false,
      paymentsOff: options.paypal === null,
      checkout: options.paypal
        ? { plan: toPlanCards(app.plans, app.content.listLessons(), listOwnPlanIds(request.user)).find((card) => card.id === plan.id), form: buildCheckoutForm(options.paypal, options.publicUrl, plan, request.user.id) }
        : null,
    });
  });

  app.get<{ Querystring: { checkout?: string } }>('/account/billing', { config: { security } }, async (request, reply): Promise<FastifyReply> => {
    if (!request.user) return reply.redirect(`/signin?next=${encodeURIComponent('/account/billing')}`);

    const user = request.user;
    const [entitlements, payments] = await Promise.all([listEntitlementHistory(options.db, user.id), listAccountPayments(options.db, user.id)]);
    reply.header('cache-control', 'no-store');
    return reply.view('profile.njk', {
      planName: app.plans.getPlan(user.plan)?.name ?? user.plan,
      planExpiresAt: user.planExpiresAt ? toDateView(new Date(user.planExpiresAt)) : null,
      checkoutReturned: request.query.checkout === 'complete',
      entitlements: entitlements.map((row) => ({
        planName: app.plans.getPlan(row.planId)?.name ?? row.planId,
        source: row.source === 'paypal' ? 'PayPal' : 'Granted by the site team',
        startsAt: toDateView(row.startsAt),
        endsAt: row.endsAt ? toDateView(row.endsAt) : null,
        state: describeState(row.revokedAt, row.endsAt),
      })),
      payments: payments.map((row) => ({
        receivedAt: toDateView(row.receivedAt),
        planName: row.planId ? (app.plans.getPlan(row.planId)?.name ?? row.planId) : '',
        amount: row.amount && row.currency ? `${row.amount} ${row.currency}` : '',
        status: row.paymentStatus ?? row.notificationType ?? '',
        result: describeAction(row.action),
      })),
    });
  });
}

function toPlanCards(plans: PlanCatalogue, lessons: readonly Lesson[], ownPlanIds: readonly string[]): PlanCard[] {
  const freeLessons = lessons.filter((lesson) => lesson.requiredPlan === FREE_PLAN_ID);
  const paidLessons = lessons.filter((lesson) => lesson.requiredPlan !== FREE_PLAN_ID);

  return plans.listPlans().map((plan) => {
    const isFreePlan = plan.id === FREE_PLAN_ID;
    // Free lessons are open to every account, so a paid plan opens them even when its `includes` omits the free plan.
    const extraLessons = isFreePlan ? [] : paidLessons.filter((lesson) => plans.planIncludes(plan.id, lesson.requiredPlan));

    return {
      id: plan.id,
      name: plan.name,
      price: plan.price,
      currency: plan.currency,
      durationDays: plan.durationDays,
      tutorDailyLimit: plan.tutorDailyLimit,
      purchasable: isPurchasablePlan(plan),
      current: ownPlanIds.includes(plan.id),
      freeLessonCount: isFreePlan ? 0 : freeLessons.length,
      lessonTitles: (isFreePlan ? freeLessons : extraLessons).map((lesson) => lesson.title),
    };
  });
}

/**
 * Lists the plans to mark as the account's own on the price list. Every account holds the
 * free plan, so it is marked only when the account holds no other plan.
 */
function listOwnPlanIds(user: Pick<PublicUser, 'plan' | 'plans'>): string[] {
  const paidPlanIds = user.plans.filter((planId) => planId !== FREE_PLAN_ID);
  return paidPlanIds.length > 0 ? paidPlanIds : [user.plan];
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

function toDateView(date: Date): DateView {
  return { iso: date.toISOString(), date: DATE_FORMAT.format(date), time: `${TIME_FORMAT.format(date)} UTC` };
}

function describeState(revokedAt: Date | null, endsAt: Date | null, now = new Date()): string {
  if (revokedAt) return 'Revoked';
  if (endsAt && endsAt <= now) return 'Ended';
  return 'Active';
}

function describeAction(action: string): string {
  switch (action) {
    case 'granted': return 'Plan granted';
    case 'recorded_pending': return 'Waiting for PayPal';
    case 'recorded_failed': return 'Payment failed';
    case 'revoked': return 'Refunded; plan removed';
    case 'recorded_reversal': return 'Refunded';
    case 'ended': return 'Subscription ended';
    case 'duplicate': return 'Already counted';
    case 'rejected': return 'Not accepted; contact us';
    default: return 'Recorded';
  }
}
