/**
 * Finds and checks the host programs a sandboxed run needs, so a host without
 * them fails at start with a message naming what to install.
 */
import { constants as fsConstants } from 'node:fs';
import { access, lstat, readlink } from 'node:fs/promises';
import path from 'node:path';

import type { HostTools, RootEntry } from './sandbox-command.js';

/** Debian's python3, the interpreter the lessons are written for. */
export const DEFAULT_PYTHON_PATH = '/usr/bin/python3';

const PRLIMIT_PATH = '/usr/bin/prlimit';
const SETPRIV_PATH = '/usr/bin/setpriv';
const BASH_PATH = '/bin/bash';
const SEARCH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const ROOT_SYSTEM_PATHS = ['/bin', '/lib', '/lib64'];

/** Program paths the caller may override. */
export interface HostToolOptions {
  bwrapPath?: string;
  pythonPath?: string;
}

/**
 * Resolves every program to an absolute path and checks that it can be executed.
 * Rejects with a message naming the missing program and how to get it.
 */
export async function resolveHostTools(options: HostToolOptions, runsAsRoot: boolean): Promise<HostTools> {
  const bwrapPath = await resolveExecutable(options.bwrapPath ?? 'bwrap');
  if (!bwrapPath) {
    throw new Error(`bubblewrap was not found (${options.bwrapPath ?? 'bwrap'}). Install it with: apt-get install -y bubblewrap`);
  }

  const pythonPath = options.pythonPath ?? DEFAULT_PYTHON_PATH;
  // Only /usr is mounted in the sandbox, so an interpreter elsewhere would not exist there.
  if (!path.isAbsolute(pythonPath) || !path.normalize(pythonPath).startsWith('/usr/')) {
    throw new Error(`Invalid pythonPath ${pythonPath}: it must be an absolute path below /usr, the only host folder mounted in the sandbox.`);
  }
  if (!(await isExecutable(pythonPath))) {
    throw new Error(`Python was not found at ${pythonPath}. Install it with: apt-get install -y python3`);
  }

  if (!(await isExecutable(PRLIMIT_PATH))) {
    throw new Error(`prlimit was not found at ${PRLIMIT_PATH}. Install it with: apt-get install -y util-linux`);
  }
  if (!(await isExecutable(BASH_PATH))) {
    throw new Error(`bash was not found at ${BASH_PATH}. Install it with: apt-get install -y bash`);
  }
  if (runsAsRoot && !(await isExecutable(SETPRIV_PATH))) {
    throw new Error(`setpriv was not found at ${SETPRIV_PATH}. It is needed to run learner code as an unprivileged user. Install it with: apt-get install -y util-linux`);
  }

  return {
    bwrapPath,
    pythonPath: path.normalize(pythonPath),
    prlimitPath: PRLIMIT_PATH,
    setprivPath: SETPRIV_PATH,
    bashPath: BASH_PATH,
    rootEntries: await readRootEntries(),
  };
}

/** Reads whether /bin, /lib and /lib64 are symlinks or directories, leaving out missing ones. */
async function readRootEntries(): Promise<RootEntry[]> {
  const entries: RootEntry[] = [];
  for (const systemPath of ROOT_SYSTEM_PATHS) {
    const stats = await lstat(systemPath).catch(() => null);
    if (stats?.isSymbolicLink()) entries.push({ path: systemPath, kind: 'symlink', target: await readlink(systemPath) });
    else if (stats?.isDirectory()) entries.push({ path: systemPath, kind: 'directory' });
  }
  return entries;
}

async function resolveExecutable(name: string): Promise<string | null> {
  if (name.includes('/')) {
    const absolute = path.resolve(name);
    return (await isExecutable(absolute)) ? absolute : null;
  }

  const pathDirs = (process.env.PATH ?? '').split(':').filter((dir) => path.isAbsolute(dir));
  for (const dir of [...pathDirs, ...SEARCH_DIRS]) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
