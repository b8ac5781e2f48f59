import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { schema } from './schema.js';
import { lockDataDir } from './data-dir-lock.js';
import { applyMigrations, type MigrationConnection } from './migrate.js';

/** Drizzle database handle; the same type for PGlite and Postgres. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Resolves when the database completes a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres URL; when undefined, PGlite stores its files in `dataDir` (or in memory when `dataDir` is 'memory://'). */
  databaseUrl: string | undefined;
  dataDir: string;
}

/** Opens the configured database and applies pending migrations before returning. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.dataDir);
  try {
    await applyMigrations(database.migrationConnection);
  } catch (error) {
    await database.handle.close();
    throw error;
  }
  return database.handle;
}

interface OpenedDatabase {
  handle: Database;
  migrationConnection: MigrationConnection;
}

async function openPglite(dataDir: string): Promise<OpenedDatabase> {
  const inMemory = dataDir === 'memory://';
  if (!inMemory) await fs.mkdir(dataDir, { recursive: true });
  const unlock = inMemory ? async () => undefined : await lockDataDir(dataDir);

  let client: PGlite;
  try {
    client = inMemory ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    handle: {
      db,
      kind: 'pglite',
      ping: async () => { await client.query('SELECT 1'); },
      close: async () => {
        if (!client.closed) await client.close();
        await unlock();
      },
    },
    migrationConnection: pgliteMigrationConnection(client),
  };
}

function pgliteMigrationConnection(client: PGlite): MigrationConnection {
  const connection = {
    exec: async (sql: string) => { await client.exec(sql); },
    query: async (sql: string, params?: unknown[]) => (await client.query<Record<string, unknown>>(sql, params)).rows,
  };
  // PGlite serves one connection, so nothing else can migrate concurrently.
  return { ...connection, withLock: async (work) => work(connection) };
}

function openPostgres(databaseUrl: string): OpenedDatabase {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection emits 'error'; without a listener Node would crash.
  pool.on('error', () => undefined);
  const db = drizzlePostgres({ client: pool, schema }) as unknown as Db;
  return {
    handle: {
      db,
      kind: 'postgres',
      ping: async () => { await pool.query('SELECT 1'); },
      close: async () => { await pool.end(); },
    },
    migrationConnection: {
      exec: async (sql) => { await pool.query(sql); },
      query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
      withLock: async (work) => {
        // Several app instances may start together; an advisory lock lets one migrate at a time.
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_advisory_lock(72010431)');
          return await work({
            exec: async (sql) => { await client.query(sql); },
            query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
          });
        } finally {
          await client.query('SELECT pg_advisory_unlock(72010431)').catch(() => undefined);
          client.release();
        }
      },
    },
  };
}
