/**
 * Sequential latency of `print("hi")` along three paths: a bare python3 spawn,
 * the sandbox service alone, and the web app in front of it. The paths take
 * turns within each iteration, so a change in the host's load during the
 * measurement affects all three alike.
 */
import type { BenchStack } from './stack.js';
import { timeBarePython, timeSandboxService, timeWebAppRun } from './single-runs.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

export type PathName = 'bare' | 'service' | 'web';

export const PATH_NAMES: readonly PathName[] = ['bare', 'service', 'web'];

/** Samples of one path. */
export interface PathResult {
  latency: LatencySummary;
  failures: number;
  /** Message of the first failed run, to show in the report. */
  firstFailure: string | null;
}

export interface SequentialResult {
  paths: Record<PathName, PathResult>;
  /** Measured sandboxed runs that started before the Pyodide pool was confirmed warm. */
  unconfirmedWarmRuns: number;
}

export interface SequentialSettings {
  runs: number;
  warmupRuns: number;
  /** Time after which no further measured iteration starts, in ms. At least one always runs. */
  maxDurationMs: number;
  /**
   * Called before each run. The Pyodide measurement waits there until its pool
   * is warm again, and the callback returns false when that was not confirmed in time.
   */
  prepareRun: (pathName: PathName) => Promise<boolean>;
}

/**
 * Measures the three paths over at most `runs` iterations after `warmupRuns`
 * unmeasured ones, stopping early once `maxDurationMs` has passed.
 */
export async function measureSequential(stack: BenchStack, settings: SequentialSettings): Promise<SequentialResult> {
  const client = stack.clients[0];
  if (!client) throw new Error('The benchmark stack has no signed-in client.');

  const timers: Record<PathName, () => Promise<number>> = {
    bare: timeBarePython,
    service: () => timeSandboxService(stack.sandbox),
    web: () => timeWebAppRun(client),
  };
  const samples = createSampleSets();
  let unconfirmedWarmRuns = 0;
  const deadline = performance.now() + settings.maxDurationMs;

  for (let iteration = 0; iteration < settings.warmupRuns + settings.runs; iteration += 1) {
    const measured = iteration >= settings.warmupRuns;
    if (iteration > settings.warmupRuns && performance.now() > deadline) break;

    for (const pathName of PATH_NAMES) {
      const warm = await settings.prepareRun(pathName);
      if (!warm && measured && pathName !== 'bare') unconfirmedWarmRuns += 1;
      await recordRun(samples[pathName], timers[pathName], measured);
    }
  }

  return {
    paths: { bare: summarizePath(samples.bare), service: summarizePath(samples.service), web: summarizePath(samples.web) },
    unconfirmedWarmRuns,
  };
}

interface SampleSet {
  durationsMs: number[];
  failures: number;
  firstFailure: string | null;
}

function createSampleSets(): Record<PathName, SampleSet> {
  const empty = (): SampleSet => ({ durationsMs: [], failures: 0, firstFailure: null });
  return { bare: empty(), service: empty(), web: empty() };
}

/** Times one run. A failed warm-up run counts as a failure too, because it shows that the path is broken. */
async function recordRun(samples: SampleSet, time: () => Promise<number>, measured: boolean): Promise<void> {
  try {
    const elapsedMs = await time();
    if (measured) samples.durationsMs.push(elapsedMs);
  } catch (error) {
    samples.failures += 1;
    samples.firstFailure ??= (error as Error).message;
  }
}

function summarizePath(samples: SampleSet): PathResult {
  return { latency: summarizeLatencies(samples.durationsMs), failures: samples.failures, firstFailure: samples.firstFailure };
}
