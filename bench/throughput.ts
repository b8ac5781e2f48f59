/**
 * Throughput of POST /api/run with several signed-in clients at once. Each
 * client signs in as its own account, because the web app allows one run in
 * flight per account. A client starts its next run as soon as the previous one returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestClient } from '../test/helpers/http-client.js';
import { BENCH_CODE, isExpectedResult } from './single-runs.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

/** Result of one level of concurrent clients. */
export interface LevelResult {
  clients: number;
  /** Runs that returned 200 and printed "hi". */
  okRuns: number;
  /** Runs rejected with 503 sandbox_busy because the service's queue was full. */
  busyRejections: number;
  /** Every other outcome: other HTTP errors, wrong output, network failures. */
  otherFailures: number;
  firstFailure: string | null;
  /** From the first request until the last client stopped, in ms. */
  elapsedMs: number;
  okRunsPerSecond: number;
  /** Latency of the successful runs only. */
  latency: LatencySummary;
}

export interface LevelSettings {
  /** Maximum runs started in this level, over all clients. */
  maxRuns: number;
  /** Time after which no client starts another run, in ms. */
  maxDurationMs: number;
}

interface LevelState {
  startedRuns: number;
  deadline: number;
  durationsMs: number[];
  busyRejections: number;
  otherFailures: number;
  firstFailure: string | null;
}

/** Runs one level with every given client at once, until `maxRuns` runs started or `maxDurationMs` passed. */
export async function measureLevel(clients: readonly TestClient[], settings: LevelSettings): Promise<LevelResult> {
  const startedAt = performance.now();
  const state: LevelState = { startedRuns: 0, deadline: startedAt + settings.maxDurationMs, durationsMs: [], busyRejections: 0, otherFailures: 0, firstFailure: null };

  await Promise.all(clients.map((client) => runClientLoop(client, state, settings.maxRuns)));

  const elapsedMs = performance.now() - startedAt;
  return {
    clients: clients.length,
    okRuns: state.durationsMs.length,
    busyRejections: state.busyRejections,
    otherFailures: state.otherFailures,
    firstFailure: state.firstFailure,
    elapsedMs,
    okRunsPerSecond: state.durationsMs.length / (elapsedMs / 1000),
    latency: summarizeLatencies(state.durationsMs),
  };
}

async function runClientLoop(client: TestClient, state: LevelState, maxRuns: number): Promise<void> {
  while (state.startedRuns < maxRuns && performance.now() < state.deadline) {
    state.startedRuns += 1;
    await runOnce(client, state);
  }
}

async function runOnce(client: TestClient, state: LevelState): Promise<void> {
  const startedAt = performance.now();
  try {
    const response = await client.request('POST', '/api/run', { code: BENCH_CODE });
    const elapsedMs = performance.now() - startedAt;

    if (isExpectedResult(response.status, response.body)) {
      state.durationsMs.push(elapsedMs);
    } else if (response.status === 503 && response.body?.error?.code === 'sandbox_busy') {
      state.busyRejections += 1;
      await waitRetryAfter(response.headers.get('retry-after'), state.deadline);
    } else {
      recordFailure(state, `HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
    }
  } catch (error) {
    recordFailure(state, (error as Error).message);
  }
}

/** Waits the Retry-After seconds the web app sent, as a well-behaved client would, but not past the level's end. */
async function waitRetryAfter(header: string | null, deadline: number): Promise<void> {
  const retryAfterMs = Number(header) * 1000;
  const remainingMs = deadline - performance.now();
  const waitMs = Math.min(Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 1000, remainingMs);
  if (waitMs > 0) await sleep(waitMs);
}

function recordFailure(state: LevelState, message: string): void {
  state.otherFailures += 1;
  state.firstFailure ??= message;
}
