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
import { measureSequential } from './sequential.js';
import { startBenchStack } from './stack.js';
import { measureLevel, type LevelResult } from './throughput.js';

const ALL_BACKENDS: readonly BackendName[] = ['bubblewrap', 'pyodide'];

/** Interpreters the Pyodide pool keeps loaded, as test/helpers/sandbox-service.ts configures it. */
const PYODIDE_POOL_SIZE = 2;

/** Longest wait for the Pyodide pool to refill; loading one interpreter takes about 2 s of CPU on an idle core. */
const PYODIDE_WARM_TIMEOUT_MS = 60_000;

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
  const stack = await startBenchStack(backend, { concurrency: options.sandboxConcurrency, queueMax: options.sandboxQueueMax, accountCount });
  try {
    const beforeSandboxedRun = backend === 'pyodide' ? createWarmPoolWaiter(PYODIDE_POOL_SIZE, PYODIDE_WARM_TIMEOUT_MS) : async () => true;
    const runs = backend === 'pyodide' ? options.pyodideRuns : options.runs;

    logProgress(`${backend}: ${runs} sequential runs per path after ${options.warmupRuns} warm-up runs`);
    const sequential = await measureSequential(stack, { runs, warmupRuns: options.warmupRuns, beforeSandboxedRun });

    const levels: LevelResult[] = [];
    for (const clientCount of options.clientLevels) {
      await beforeSandboxedRun();
      logProgress(`${backend}: throughput with ${clientCount} clients`);
      levels.push(await measureLevel(stack.clients.slice(0, clientCount), { maxRuns: options.levelMaxRuns, maxDurationMs: options.levelMaxMs }));
    }
    return { backend, pythonVersion: stack.pythonVersion, sequential, levels };
  } finally {
    await stack.close();
  }
}

/** True for the errors parseArgs throws on unknown or malformed options. */
function isArgvError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** Progress goes to stderr, so stdout holds only the Markdown results. */
function logProgress(message: string): void {
  console.error(`[bench] ${message}`);
}

process.exitCode = await main();
