import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { buildCheckoutForm, isPurchasablePlan } from '../../../billing/checkout.js';
import type { PaypalConfig } from '../../../config/paypal-config.js';
import type { Plan } from '../../../learning/content/plans.js';
import { errors } from '../../errors.js';
import type { RateLimitRule } from '../../guards/rate-limits.js';
import type { RateLimitRules } from '../limits.js';

const CheckoutBody = Type.Object({ planId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

/** Each checkout signs a new reference; this bounds how many one account can mint. */
const CHECKOUTS_PER_USER: RateLimitRule = { name: 'checkout-user', points: 30, durationSeconds: 60 * 60 };

export interface PlanRoutesOptions {
  paypal: Readonly<PaypalConfig> | null;
  publicUrl: URL;
  rules: RateLimitRules;
}

/** The plan catalogue as the API shows it. */
export interface PlanView {
  id: string;
  name: string;
  price: string;
  currency: string;
  durationDays: number | null;
  tutorDailyLimit: number;
}

/** Converts a plan to the fields GET /api/plans returns. */
export function toPlanView(plan: Plan): PlanView {
  return { id: plan.id, name: plan.name, price: plan.price, currency: plan.currency, durationDays: plan.durationDays, tutorDailyLimit: plan.tutorDailyLimit };
}

/** Registers GET /api/plans and POST /api/checkout, which starts a PayPal checkout. */
export async function planRoutes(app: FastifyInstance, options: PlanRoutesOptions): Promise<void> {
  const perIp = options.rules.apiPerIp;

  app.get('/api/plans', { config: { security: { access: 'public', csrf: 'safe-method', rateLimits: { perIp } } } }, async () => {
    return { plans: app.plans.listPlans().map(toPlanView) };
  });

  app.post<{ Body: Static<typeof CheckoutBody> }>('/api/checkout', {
    schema: { body: CheckoutBody },
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp, perUser: CHECKOUTS_PER_USER } } },
  }, async (request, reply) => {
    if (!options.paypal) throw errors.paymentsUnavailable();
    const plan = app.plans.getPlan(request.body.planId);
    if (!plan) throw errors.unknownPlan(request.body.planId);
    if (!isPurchasablePlan(plan)) throw errors.planNotForSale(plan.id);

    reply.header('cache-control', 'no-store');
    return buildCheckoutForm(options.paypal, options.publicUrl, plan, request.user!.id);
  });
}
