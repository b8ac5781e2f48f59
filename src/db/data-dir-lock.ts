import fs from 'node:fs/promises';
import path from 'node:path';

/** Error for a data folder that another live process has open. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

const LOCK_FILE = '.learnpython-lock';

/**
 * Takes the embedded database's folder for this process. PGlite is one Postgres
 * in this process's memory: a second process opening the same folder would write
 * over the first one's changes, so the second is refused. A lock left by a
 * process that no longer runs is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return async () => { await fs.rm(lockPath, { force: true }); };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const holder = Number((await fs.readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new DataDirInUseError(`The embedded database in ${dataDir} is open in process ${holder}. Stop that process (the web app or another admin command) first, or set DATABASE_URL to use Postgres.`);
    }
    await fs.rm(lockPath, { force: true });
  }
  throw new DataDirInUseError(`Could not lock the embedded database in ${dataDir}; another process keeps taking it.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
