import type { PaypalConfig } from '../config/paypal-config.js';
import { FREE_PLAN_ID, type Plan } from '../learning/content/plans.js';
import { createPaymentReference } from './payment-reference.js';

/** The form a browser posts to PayPal to pay for a plan. */
export interface CheckoutForm {
  provider: 'paypal';
  /** PayPal's checkout URL for the configured mode. */
  action: string;
  /** Hidden form fields, posted as they are. */
  fields: Record<string, string>;
}

/** True for a plan that can be bought: any plan but the free one, with a price above zero. */
export function isPurchasablePlan(plan: Plan): boolean {
  return plan.id !== FREE_PLAN_ID && plan.price !== '0.00';
}

/**
 * Builds PayPal's "Buy Now" form (`_xclick`) for one account and plan. The buyer
 * can change any of these fields before they reach PayPal, so none of them is
 * trusted later: the IPN listener checks receiver, amount, currency and plan
 * against the server's own values, and `custom` carries an HMAC-signed reference.
 */
export function buildCheckoutForm(config: Pick<PaypalConfig, 'business' | 'checkoutUrl' | 'referenceKey'>, publicUrl: URL, plan: Plan, userId: string, now = new Date()): CheckoutForm {
  if (!isPurchasablePlan(plan)) throw new Error(`the plan ${plan.id} cannot be bought`);

  return {
    provider: 'paypal',
    action: config.checkoutUrl.toString(),
    fields: {
      cmd: '_xclick',
      business: config.business,
      item_name: describeItem(plan),
      item_number: plan.id,
      amount: plan.price,
      currency_code: plan.currency,
      quantity: '1',
      no_shipping: '1',
      no_note: '1',
      charset: 'utf-8',
      notify_url: new URL('/paypal/ipn', publicUrl).toString(),
      return: new URL('/account/billing?checkout=complete', publicUrl).toString(),
      cancel_return: new URL('/pricing?checkout=cancelled', publicUrl).toString(),
      custom: createPaymentReference(config.referenceKey, { userId, planId: plan.id, now }),
    },
  };
}

function describeItem(plan: Plan): string {
  const period = plan.durationDays === null ? 'no end date' : `${plan.durationDays} days`;
  return `LearnPython ${plan.name} plan, ${period}`;
}
