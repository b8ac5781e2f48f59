import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataDirInUseError, lockDataDir } from '../../src/db/data-dir-lock.js';

describe('lockDataDir', () => {
  it('refuses a folder a live process holds', async (t) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lp-lock-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    t.after(async () => {
      holder.kill('SIGKILL');
      await fs.rm(dataDir, { recursive: true, force: true });
    });
    await fs.writeFile(path.join(dataDir, '.learnpython-lock'), String(holder.pid));

    await assert.rejects(lockDataDir(dataDir), (error: unknown) => error instanceof DataDirInUseError && error.message.includes(String(holder.pid)));
  });

  it('takes over a lock whose process is gone', async (t) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lp-lock-'));
    t.after(() => fs.rm(dataDir, { recursive: true, force: true }));
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    await fs.writeFile(path.join(dataDir, '.learnpython-lock'), String(gone.pid));

    const unlock = await lockDataDir(dataDir);
    assert.equal(await fs.readFile(path.join(dataDir, '.learnpython-lock'), 'utf8'), String(process.pid));
    await unlock();
    await assert.rejects(fs.access(path.join(dataDir, '.learnpython-lock')));
  });
});
