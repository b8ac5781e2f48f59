/**
 * The operator CLI: `tsx src/admin/cli.ts <command>`. It reads the same
 * environment as the web app (DATABASE_URL or DATA_DIR, CONTENT_DIR) and prints
 * USAGE for a command line it cannot parse.
 */
import 'dotenv/config';
import path from 'node:path';
import { ConfigError, readString, readUrl } from '../config/env-parsers.js';
import { openDatabase } from '../db/client.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { ContentError, loadPlans, type PlanCatalogue } from '../learning/content/index.js';
import { EXIT, listPlansCommand, parseAdminCommand, runDatabaseCommand, USAGE, UsageError, type AdminCommand, type CommandOutput } from './commands.js';

const output: CommandOutput = {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
};

async function main(argv: readonly string[]): Promise<number> {
  let command: AdminCommand;
  try {
    command = parseAdminCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }

  let databaseUrl: string | undefined;
  try {
    databaseUrl = readUrl(process.env, 'DATABASE_URL', ['postgres:', 'postgresql:'])?.toString();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(error.message);
    return EXIT.config;
  }
  let plans: PlanCatalogue;
  try {
    plans = await loadPlans(path.resolve(readString(process.env, 'CONTENT_DIR') ?? 'content'));
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    output.err(error.message);
    return EXIT.config;
  }
  if (command.name === 'plans') return listPlansCommand(plans, output);

  const dataDir = path.resolve(readString(process.env, 'DATA_DIR') ?? 'data');
  output.err(databaseUrl ? `Using Postgres at ${describePostgres(databaseUrl)}.` : `Using the embedded database in ${dataDir}.`);
  let database;
  try {
    database = await openDatabase({ databaseUrl, dataDir });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    output.err(error.message);
    return EXIT.failed;
  }
  try {
    return await runDatabaseCommand(command, database.db, plans, output);
  } finally {
    await database.close();
  }
}

/** Host and database name of a Postgres URL, without the password. */
function describePostgres(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

process.exitCode = await main(process.argv.slice(2));
