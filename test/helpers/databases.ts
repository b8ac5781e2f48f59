import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';

/** Postgres server the tests use when it is there: the machine's local server, database `test`. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type DatabaseKind = 'pglite' | 'postgres';

/** Returns true when the test Postgres responds; CI sets REQUIRE_SERVICES=1 so a missing server fails instead of skipping. */
export async function isPostgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Database kinds to run against here: PGlite always, Postgres when reachable or required. */
export async function databaseKindsToTest(): Promise<DatabaseKind[]> {
  if (process.env.REQUIRE_SERVICES === '1' || (await isPostgresReachable())) return ['pglite', 'postgres'];
  console.log('# Postgres is not reachable at 127.0.0.1:5432; database tests run on PGlite only');
  return ['pglite'];
}

export interface ScratchDatabase {
  /** A URL for Postgres, or undefined with `dataDir` 'memory://' for PGlite. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/** Creates an empty database of the given kind: a new Postgres database, or an in-memory PGlite. */
export async function createScratchDatabase(kind: DatabaseKind): Promise<ScratchDatabase> {
  if (kind === 'pglite') return { databaseUrl: undefined, dataDir: 'memory://', drop: async () => undefined };

  const name = `lp_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: 'memory://',
    drop: async () => { await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)); },
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty, migrated database of the given kind and the function that closes and drops it. */
export async function openScratchDatabase(kind: DatabaseKind): Promise<{ database: Database; close(): Promise<void> }> {
  const scratch = await createScratchDatabase(kind);
  const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir });
  return {
    database,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}
