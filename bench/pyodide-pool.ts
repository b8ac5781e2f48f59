/**
 * Waits until the in-process Pyodide pool has its interpreters loaded.
 *
 * The sandbox service does not report the pool's state, so this reads /proc
 * (Linux only): a Pyodide child is a child process of this process running the
 * backend's child script. Loading an interpreter keeps its process busy on the
 * CPU, and a loaded child waits on stdin without using any, so children that use
 * no CPU during a quiet window are taken as loaded.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childFolder } from '../src/sandbox/backends/pyodide/launch.js';

/**
 * Time without CPU use after which a child counts as loaded. Long enough that a
 * loading child starved of CPU by other processes is unlikely to pass as idle.
 */
const QUIET_WINDOW_MS = 500;
const POLL_INTERVAL_MS = 200;

interface ChildSample {
  pid: number;
  /** User plus system CPU time, in clock ticks. */
  cpuTicks: number;
}

/**
 * Resolves true once at least `poolSize` Pyodide children of this process exist
 * and all of them stayed idle for the quiet window. Resolves false at `timeoutMs`.
 */
export async function waitForWarmPyodidePool(poolSize: number, timeoutMs: number): Promise<boolean> {
  const childScript = path.join(childFolder(), 'main.mjs');
  const deadline = performance.now() + timeoutMs;

  while (performance.now() < deadline) {
    const before = await sampleChildren(childScript);
    if (before.length >= poolSize) {
      await sleep(QUIET_WINDOW_MS);
      const after = await sampleChildren(childScript);
      if (after.length >= poolSize && usedNoCpu(before, after)) return true;
    } else {
      await sleep(POLL_INTERVAL_MS);
    }
  }
  return false;
}

function usedNoCpu(before: readonly ChildSample[], after: readonly ChildSample[]): boolean {
  const ticksBefore = new Map(before.map((sample) => [sample.pid, sample.cpuTicks]));
  return after.every((sample) => ticksBefore.get(sample.pid) === sample.cpuTicks);
}

/** Live (not zombie) child processes of this process that run `childScript`. */
async function sampleChildren(childScript: string): Promise<ChildSample[]> {
  const samples: ChildSample[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;

    const sample = await readChildSample(Number(entry), childScript);
    if (sample) samples.push(sample);
  }
  return samples;
}

async function readChildSample(pid: number, childScript: string): Promise<ChildSample | null> {
  try {
    const stat = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    if (stat.parentPid !== process.pid || stat.state === 'Z') return null;

    const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return commandLine.includes(childScript) ? { pid, cpuTicks: stat.cpuTicks } : null;
  } catch {
    // The process exited between listing /proc and reading its files.
    return null;
  }
}

/**
 * Reads state, parent pid and CPU time from /proc/PID/stat. The command name in
 * field 2 may contain spaces and brackets, so fields are counted after its last ')'.
 */
function parseStat(text: string): { state: string; parentPid: number; cpuTicks: number } {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, ppid field 4, utime field 14 and stime field 15 of proc(5).
  return {
    state: fields[0] ?? '',
    parentPid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
  };
}

/**
 * Creates the callback that runs before each Pyodide run. After the first wait
 * that times out it stops waiting and returns false at once, so a pool that
 * never looks idle costs one timeout instead of one per run.
 */
export function createWarmPoolWaiter(poolSize: number, timeoutMs: number): () => Promise<boolean> {
  let givenUp = false;
  return async () => {
    if (givenUp) return false;

    const warm = await waitForWarmPyodidePool(poolSize, timeoutMs);
    if (!warm) givenUp = true;
    return warm;
  };
}
