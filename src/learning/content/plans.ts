import { contentFile, readJson } from './files.js';
import type { JsonNode } from './json-node.js';

/** Plan id of every account that has not bought a plan. Lessons that require it are open to all accounts. */
export const FREE_PLAN_ID = 'free';

/** A plan as listed in content/plans.json. */
export interface Plan {
  id: string;
  name: string;
  /** Decimal string with two digits after the point, such as "9.00", in `currency`. Text keeps the cents exact. */
  price: string;
  /** ISO 4217 code, such as "USD". */
  currency: string;
  /** Days a purchase lasts, or null for a plan that never expires. */
  durationDays: number | null;
  /** Tutor questions allowed per day. */
  tutorDailyLimit: number;
  /** Ids of the plans this one contains, as written in the file (not expanded). */
  includes: string[];
}

/** Read-only view of the loaded plans. */
export interface PlanCatalogue {
  /** Every plan in file order. */
  listPlans(): readonly Plan[];
  getPlan(id: string): Plan | null;
  /**
   * Returns true when holding `planId` grants content marked `requiredPlanId`: the same plan,
   * or one reached through `includes`, directly or indirectly. Unknown ids return false.
   */
  planIncludes(planId: string, requiredPlanId: string): boolean;
}

const PLAN_FIELDS = ['id', 'name', 'price', 'currency', 'durationDays', 'tutorDailyLimit', 'includes'];
const PRICE_PATTERN = /^\d+\.\d{2}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** Loads and validates `plans.json` in the content folder. Throws ContentError on any mistake. */
export async function loadPlans(contentDir: string): Promise<PlanCatalogue> {
  const root = await readJson(contentFile(contentDir, 'plans.json'));
  root.rejectUnknownFields(['plans']);
  const planNodes = root.field('plans').items();

  const plans = planNodes.map(readPlan);
  rejectDuplicateIds(planNodes, plans);
  if (!plans.some((plan) => plan.id === FREE_PLAN_ID)) {
    root.field('plans').fail(`must contain a plan with id "${FREE_PLAN_ID}", the plan of accounts without a paid plan`);
  }
  rejectBadIncludes(planNodes, plans);

  return createPlanCatalogue(plans);
}

function readPlan(node: JsonNode): Plan {
  node.rejectUnknownFields(PLAN_FIELDS);

  const priceNode = node.field('price');
  const price = priceNode.asString();
  if (!PRICE_PATTERN.test(price)) priceNode.fail(`must be a decimal string such as "9.00" (found ${JSON.stringify(price)})`);

  const currencyNode = node.field('currency');
  const currency = currencyNode.asString();
  if (!CURRENCY_PATTERN.test(currency)) currencyNode.fail(`must be a three-letter ISO 4217 code such as "USD"`);

  const durationNode = node.field('durationDays');
  const durationDays = durationNode.value === null ? null : durationNode.asInteger(1);

  return {
    id: node.field('id').asSlug(),
    name: node.field('name').asText(),
    price,
    currency,
    durationDays,
    tutorDailyLimit: node.field('tutorDailyLimit').asInteger(0),
    includes: node.field('includes').items().map((item) => item.asSlug()),
  };
}

function rejectDuplicateIds(nodes: JsonNode[], plans: Plan[]): void {
  const seen = new Set<string>();
  plans.forEach((plan, index) => {
    if (seen.has(plan.id)) nodes[index]!.field('id').fail(`repeats the plan id "${plan.id}"`);
    seen.add(plan.id);
  });
}

/** Fails on an included id that is unknown, the plan itself, or part of a cycle of includes. */
function rejectBadIncludes(nodes: JsonNode[], plans: Plan[]): void {
  const known = new Set(plans.map((plan) => plan.id));

  plans.forEach((plan, index) => {
    const includesNode = nodes[index]!.field('includes');
    for (const included of plan.includes) {
      if (!known.has(included)) includesNode.fail(`names the unknown plan "${included}"`);
      if (included === plan.id) includesNode.fail(`must not contain the plan's own id "${plan.id}"`);
    }
    if (expandIncludes(plans, plan.id).has(plan.id)) {
      includesNode.fail(`leads back to "${plan.id}" through other plans; includes must not form a cycle`);
    }
  });
}

/** Collects every plan id reachable from `planId` through includes, not counting the start unless a cycle returns to it. */
function expandIncludes(plans: readonly Plan[], planId: string): Set<string> {
  const byId = new Map(plans.map((plan) => [plan.id, plan]));
  const reached = new Set<string>();
  const pending = [...(byId.get(planId)?.includes ?? [])];

  while (pending.length > 0) {
    const next = pending.pop()!;
    if (reached.has(next)) continue;
    reached.add(next);
    pending.push(...(byId.get(next)?.includes ?? []));
  }
  return reached;
}

function createPlanCatalogue(plans: Plan[]): PlanCatalogue {
  const frozen = Object.freeze(plans.map((plan) => Object.freeze({ ...plan, includes: Object.freeze([...plan.includes]) as string[] })));
  const byId = new Map(frozen.map((plan) => [plan.id, plan]));
  const granted = new Map(frozen.map((plan) => [plan.id, expandIncludes(frozen, plan.id).add(plan.id)]));

  return {
    listPlans: () => frozen,
    getPlan: (id) => byId.get(id) ?? null,
    planIncludes: (planId, requiredPlanId) => granted.get(planId)?.has(requiredPlanId) ?? false,
  };
}
