import { grantPlanByEmail, PlanAdminError, revokePlanByEmail } from '../billing/admin-plans.js';
import { listAuditEventsForEmail } from '../audit/audit-query.js';
import { listLedger } from '../billing/ledger.js';
import type { Db } from '../db/client.js';
import type { PlanCatalogue } from '../learning/content/plans.js';

/** Exit codes of the operator CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

export const USAGE = `Usage: tsx src/admin/cli.ts <command>

Commands:
  grant EMAIL PLAN [--days N]   give the account PLAN for N days (default: the plan's duration)
  revoke EMAIL PLAN             revoke every live entitlement to PLAN of the account
  plans                         list the plans
  ledger [--limit N]            show the newest payment notifications (default 20, at most 1000)
  audit --user EMAIL [--limit N]
                                show the newest audit events of an account (default 50, at most 1000)

The database comes from DATABASE_URL, or the embedded database in DATA_DIR (default ./data).
Stop the web app before using the embedded database: only one process may open it.`;

/** Output streams of a command; tests pass collectors instead of the process streams. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** A parsed command line. */
export type AdminCommand =
  | { name: 'grant'; email: string; planId: string; days?: number }
  | { name: 'revoke'; email: string; planId: string }
  | { name: 'plans' }
  | { name: 'ledger'; limit: number }
  | { name: 'audit'; email: string; limit: number };

/** Error for a command line that does not parse. The message names what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses the arguments after the script name; throws UsageError. */
export function parseAdminCommand(argv: readonly string[]): AdminCommand {
  const [name, ...rest] = argv;
  const { positional, options } = splitOptions(rest);

  switch (name) {
    case 'grant': {
      requireArgs(positional, 2, 'grant needs EMAIL and PLAN');
      rejectUnknownOptions(options, ['days']);
      const days = options.days === undefined ? undefined : readWholeNumber(options.days, '--days', 1, 3650);
      return { name, email: positional[0]!, planId: positional[1]!, ...(days === undefined ? {} : { days }) };
    }
    case 'revoke':
      requireArgs(positional, 2, 'revoke needs EMAIL and PLAN');
      rejectUnknownOptions(options, []);
      return { name, email: positional[0]!, planId: positional[1]! };
    case 'plans':
      requireArgs(positional, 0, 'plans takes no arguments');
      rejectUnknownOptions(options, []);
      return { name };
    case 'ledger':
      requireArgs(positional, 0, 'ledger takes no arguments besides --limit');
      rejectUnknownOptions(options, ['limit']);
      return { name, limit: options.limit === undefined ? 20 : readWholeNumber(options.limit, '--limit', 1, 1000) };
    case 'audit': {
      requireArgs(positional, 0, 'audit takes --user EMAIL and an optional --limit');
      rejectUnknownOptions(options, ['user', 'limit']);
      if (options.user === undefined) throw new UsageError('audit needs --user EMAIL.');
      return { name, email: options.user, limit: options.limit === undefined ? 50 : readWholeNumber(options.limit, '--limit', 1, 1000) };
    }
    default:
      throw new UsageError(name === undefined ? 'No command given.' : `Unknown command ${JSON.stringify(name)}.`);
  }
}

/** Lists the plans; needs no database. */
export function listPlansCommand(plans: PlanCatalogue, output: CommandOutput): number {
  for (const plan of plans.listPlans()) {
    const duration = plan.durationDays === null ? 'no end' : `${plan.durationDays} days`;
    output.out(`${plan.id}\t${plan.name}\t${plan.price} ${plan.currency}\t${duration}\t${plan.tutorDailyLimit} tutor questions a day`);
  }
  return EXIT.ok;
}

/** Runs a command that needs the database and returns the exit code. */
export async function runDatabaseCommand(command: Exclude<AdminCommand, { name: 'plans' }>, db: Db, plans: PlanCatalogue, output: CommandOutput): Promise<number> {
  try {
    switch (command.name) {
      case 'grant': {
        const entitlement = await grantPlanByEmail(db, plans, { email: command.email, planId: command.planId, days: command.days, actor: 'admin cli' });
        output.out(`Granted ${entitlement.planId} to ${command.email} until ${entitlement.endsAt?.toISOString() ?? 'no end date'}.`);
        return EXIT.ok;
      }
      case 'revoke': {
        const revoked = await revokePlanByEmail(db, plans, { email: command.email, planId: command.planId, actor: 'admin cli' });
        if (revoked === 0) {
          output.err(`${command.email} has no live entitlement to ${command.planId}; nothing was revoked.`);
          return EXIT.failed;
        }
        output.out(`Revoked ${revoked} entitlement(s) to ${command.planId} from ${command.email}.`);
        return EXIT.ok;
      }
      case 'ledger': {
        const rows = await listLedger(db, command.limit);
        if (rows.length === 0) output.err('No payment notifications yet.');
        for (const row of rows.reverse()) {
          output.out([
            `#${row.id}`, row.receivedAt.toISOString(), row.source, row.notificationId ?? '-', row.notificationType ?? '-',
            row.paymentStatus ?? '-', row.verification, row.action, row.amount && row.currency ? `${row.amount} ${row.currency}` : '-',
            row.userId ?? '-', row.detail ?? '',
          ].join('\t'));
        }
        return EXIT.ok;
      }
      case 'audit': {
        const events = await listAuditEventsForEmail(db, command.email, command.limit);
        if (events === null) {
          output.err(`No account and no audit event for ${command.email}.`);
          return EXIT.failed;
        }
        for (const event of events.reverse()) {
          output.out([`#${event.id}`, event.createdAt.toISOString(), event.type, event.ip ?? '-', JSON.stringify(event.details)].join('\t'));
        }
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (!(error instanceof PlanAdminError)) throw error;
    output.err(error.message);
    return EXIT.failed;
  }
}

function splitOptions(args: readonly string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value.`);
    options[arg.slice(2)] = value;
    index += 1;
  }
  return { positional, options };
}

function requireArgs(positional: string[], count: number, message: string): void {
  if (positional.length !== count) throw new UsageError(`${message}.`);
}

function rejectUnknownOptions(options: Record<string, string>, allowed: string[]): void {
  const unknown = Object.keys(options).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw new UsageError(`Unknown option --${unknown}.`);
}

function readWholeNumber(raw: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}.`);
  return Number(raw);
}
