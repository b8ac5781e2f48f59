import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface SqlConnection {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface MigrationConnection extends SqlConnection {
  /** Runs `work` while holding a lock that keeps other instances from migrating at the same time. */
  withLock<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T>;
}

/**
 * Applies every `NNNN_name.sql` file in the migrations folder that is not yet
 * recorded in `schema_migrations`, in file-name order, each in its own transaction.
 * The same files run on PGlite and Postgres, so they use only plain PostgreSQL.
 */
export async function applyMigrations(connection: MigrationConnection): Promise<string[]> {
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name)).sort();

  return connection.withLock(async (locked) => {
    await locked.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const appliedRows = await locked.query('SELECT id FROM schema_migrations');
    const applied = new Set(appliedRows.map((row) => String(row.id)));
    const newlyApplied: string[] = [];

    for (const file of files) {
      if (applied.has(file)) continue;
      const sql = await fs.readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      try {
        await locked.exec(`BEGIN;\n${sql}\nINSERT INTO schema_migrations (id) VALUES ('${file}');\nCOMMIT;`);
      } catch (error) {
        await locked.exec('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      newlyApplied.push(file);
    }
    return newlyApplied;
  });
}
