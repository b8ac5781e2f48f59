/**
 * `npm run bench`: measures `print("hi")` through the real web app and sandbox
 * service on loopback ports, for each usable sandbox backend. It prints the
 * results as Markdown and rewrites the results section of docs/BENCHMARKS.md.
 * `npm run bench -- --help` lists the options.
 */
import { listUsableBackends } from '../src/sandbox/backends/select.js';
import type { BackendName } from '../src/sandbox/types.js';
import { describeMachine, readLoadAverage } from './machine.js';
import { BenchOptionsError, parseBenchOptions, USAGE, type BenchOptions } from './options.js';
import { createWarmPoolWaiter } from './pyodide-pool.js';
import { renderResults, writeResultsSection, type BackendReport, type BenchReport, type SkippedBackend } from './report.js';
import { measureSequential, type PathName } from './sequential.js';
import { startBenchStack } from './stack.js';
import { measureLevel, type LevelResult } from './throughput.js';

const ALL_BACKENDS: readonly BackendName[] = ['bubblewrap', 'pyodide'];

/** Interpreters the Pyodide pool keeps loaded, as test/helpers/sandbox-service.ts configures it. */
const PYODIDE_POOL_SIZE = 2;

/** Maximum wait for the Pyodide pool to refill, in ms. Loading one interpreter takes seconds of CPU, and far longer on a busy host. */
const PYODIDE_WARM_TIMEOUT_MS = 60_000;

const processStartMs = performance.now();

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof BenchOptionsError) && !isArgvError(error)) throw error;
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  const report = await runBenchmark(options);
  const markdown = renderResults(report);
  console.log(markdown);
  if (options.writeDocs) {
    await writeResultsSection(options.docsPath, markdown);
    logProgress(`Results written to ${options.docsPath}`);
  }
  return report.measured.length > 0 ? 0 : 1;
}

async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const startedAtMs = performance.now();
  const loadAtStart = readLoadAverage();
  const machine = await describeMachine();
  logProgress(`Load average at start: ${loadAtStart.join(', ')}`);

  const usable = await listUsableBackends();
  const measured: BackendReport[] = [];
  const skipped: SkippedBackend[] = [];
  for (const backend of options.backends ?? ALL_BACKENDS) {
    if (!usable.includes(backend)) {
      skipped.push({ backend, reason: 'this host cannot run it (a test run under bwrap failed).' });
      continue;
    }
    try {
      measured.push(await measureBackend(backend, options));
    } catch (error) {
      logProgress(`${backend}: measurement failed: ${(error as Error).stack ?? String(error)}`);
      skipped.push({ backend, reason: `the measurement failed: ${(error as Error).message}` });
    }
  }

  return {
    startedAt,
    elapsedMs: performance.now() - startedAtMs,
    options,
    machine,
    loadAtStart,
    loadAtEnd: readLoadAverage(),
    measured,
    skipped,
  };
}

/** Starts a fresh web app and sandbox service for `backend`, measures it and closes both. */
async function measureBackend(backend: BackendName, options: BenchOptions): Promise<BackendReport> {
  logProgress(`${backend}: starting the sandbox service and the web app`);
  const accountCount = Math.max(1, ...options.clientLevels);
  const stack = await startBenchStack(backend, { concurrency: options.sandboxConcurrency, queueMax: options.sandboxQueueMax, accountCount, logProgress });
  try {
    const pyodide = backend === 'pyodide';
    const prepareRun = pyodide ? createPyodideRunPreparer() : async () => true;
    const runs = pyodide ? options.pyodideRuns : options.runs;
    // Every Pyodide run loads a fresh interpreter anyway, and each load costs seconds of CPU.
    const warmupRuns = pyodide ? Math.min(options.warmupRuns, 1) : options.warmupRuns;

    logProgress(`${backend}: up to ${runs} sequential runs per path after ${warmupRuns} warm-up runs`);
    const sequential = await measureSequential(stack, { runs, warmupRuns, maxDurationMs: options.sequentialMaxMs, prepareRun });

    const levels: LevelResult[] = [];
    for (const clientCount of options.clientLevels) {
      await prepareRun('bare');
      logProgress(`${backend}: throughput with ${clientCount} clients`);
      levels.push(await measureLevel(stack.clients.slice(0, clientCount), { maxRuns: options.levelMaxRuns, maxDurationMs: options.levelMaxMs }));
    }
    return { backend, pythonVersion: stack.pythonVersion, sequential, levels };
  } finally {
    await stack.close();
  }
}

/**
 * Waits for a warm Pyodide pool before the bare spawn and before the web app's
 * run. The bare spawn then runs while no interpreter loads, and the sandbox
 * service's run that follows it finds the pool still warm.
 */
function createPyodideRunPreparer(): (pathName: PathName) => Promise<boolean> {
  const waitForWarmPool = createWarmPoolWaiter(PYODIDE_POOL_SIZE, PYODIDE_WARM_TIMEOUT_MS);
  let lastWaitConfirmed = true;
  return async (pathName) => {
    if (pathName !== 'service') lastWaitConfirmed = await waitForWarmPool();
    return lastWaitConfirmed;
  };
}

/** True for the errors parseArgs throws on unknown or malformed options. */
function isArgvError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Writes progress to stderr, so stdout contains only the Markdown results. */
function logProgress(message: string): void {
  const elapsedSeconds = ((performance.now() - processStartMs) / 1000).toFixed(1);
  console.error(`[bench ${elapsedSeconds} s] ${message}`);
}

process.exitCode = await main();
