import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/sandbox/types.js';

/** Settings of one benchmark run. Every count and duration has an upper bound, so a run always ends. */
export interface BenchOptions {
  /** Sequential runs per path (bare spawn, sandbox service, web app) for bubblewrap. */
  runs: number;
  /** Sequential runs per path for Pyodide, which waits for its pool to refill before each run. */
  pyodideRuns: number;
  /** Unmeasured runs per path before the sequential measurement. Pyodide uses at most one. */
  warmupRuns: number;
  /** Time after which a backend's sequential measurement starts no further iteration, in ms. */
  sequentialMaxMs: number;
  /** Backends to measure, or null for every backend this host can use. */
  backends: BackendName[] | null;
  /** Numbers of concurrent clients in the throughput measurement, one level each. */
  clientLevels: number[];
  /** Maximum runs started per throughput level. */
  levelMaxRuns: number;
  /** Time after which a throughput level starts no more runs, in ms. */
  levelMaxMs: number;
  /** Runs the sandbox service executes at once. */
  sandboxConcurrency: number;
  /** Maximum runs waiting in the sandbox service's queue. Past it the service responds 503 sandbox_busy. */
  sandboxQueueMax: number;
  /** False prints the results without rewriting the docs page. */
  writeDocs: boolean;
  docsPath: string;
  /** The command line that reproduces this run, with the options that were set. */
  command: string;
}

export class BenchOptionsError extends Error {
  override name = 'BenchOptionsError';
}

interface IntegerOption {
  flag: string;
  envName: string;
  fallback: number;
  min: number;
  max: number;
}

const INTEGER_OPTIONS = {
  runs: { flag: 'runs', envName: 'BENCH_RUNS', fallback: 50, min: 1, max: 1_000 },
  pyodideRuns: { flag: 'pyodide-runs', envName: 'BENCH_PYODIDE_RUNS', fallback: 8, min: 1, max: 200 },
  warmupRuns: { flag: 'warmup', envName: 'BENCH_WARMUP', fallback: 3, min: 0, max: 50 },
  sequentialMaxMs: { flag: 'sequential-max-ms', envName: 'BENCH_SEQUENTIAL_MAX_MS', fallback: 45_000, min: 1_000, max: 600_000 },
  levelMaxRuns: { flag: 'level-runs', envName: 'BENCH_LEVEL_RUNS', fallback: 64, min: 1, max: 5_000 },
  levelMaxMs: { flag: 'level-max-ms', envName: 'BENCH_LEVEL_MAX_MS', fallback: 10_000, min: 500, max: 120_000 },
  sandboxConcurrency: { flag: 'concurrency', envName: 'BENCH_CONCURRENCY', fallback: 2, min: 1, max: 64 },
  sandboxQueueMax: { flag: 'queue-max', envName: 'BENCH_QUEUE_MAX', fallback: 16, min: 0, max: 1_000 },
} satisfies Record<string, IntegerOption>;

const MAX_CLIENTS_PER_LEVEL = 64;
const BACKEND_NAMES: readonly BackendName[] = ['bubblewrap', 'pyodide'];

/** Help text for `npm run bench -- --help`. */
export const USAGE = `Usage: npm run bench [-- options]

Measures POST /api/run latency and throughput for print("hi") on each usable
sandbox backend, prints Markdown tables and rewrites the results section of
docs/BENCHMARKS.md. Each option can also be set through the environment variable
named after it.

  --runs=N                 BENCH_RUNS
      sequential runs per path for bubblewrap (default 50)
  --pyodide-runs=N         BENCH_PYODIDE_RUNS
      sequential runs per path for Pyodide (default 8)
  --warmup=N               BENCH_WARMUP
      unmeasured runs per path first (default 3; Pyodide uses at most 1)
  --sequential-max-ms=N    BENCH_SEQUENTIAL_MAX_MS
      time in ms after which a backend's sequential measurement starts no further run (default 45000)
  --backends=LIST          BENCH_BACKENDS
      comma-separated: bubblewrap,pyodide (default: every usable one)
  --clients=LIST           BENCH_CLIENTS
      concurrent clients per throughput level (default 1,4,16)
  --level-runs=N           BENCH_LEVEL_RUNS
      maximum runs started per throughput level (default 64)
  --level-max-ms=N         BENCH_LEVEL_MAX_MS
      time in ms after which a throughput level starts no further run (default 10000)
  --concurrency=N          BENCH_CONCURRENCY
      runs the sandbox service executes at once (default 2, as the service)
  --queue-max=N            BENCH_QUEUE_MAX
      runs the sandbox service holds waiting (default 16, as the service)
  --no-docs                BENCH_WRITE_DOCS=0
      print the results only; leave docs/BENCHMARKS.md unchanged
  --help
      print this text
`;

/**
 * Parses options from the command line, falling back to BENCH_* environment
 * variables. Throws BenchOptionsError naming the invalid value.
 */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const { values } = parseArgs({ args: [...argv], options: argvSchema(), strict: true, allowPositionals: false });
  if (values.help === true) return 'help';

  const flagValue = (flag: string): string | undefined => {
    const value = values[flag];
    return typeof value === 'string' ? value : undefined;
  };
  const integer = (option: IntegerOption): number => readInteger(option, flagValue(option.flag) ?? env[option.envName]);

  return {
    runs: integer(INTEGER_OPTIONS.runs),
    pyodideRuns: integer(INTEGER_OPTIONS.pyodideRuns),
    warmupRuns: integer(INTEGER_OPTIONS.warmupRuns),
    sequentialMaxMs: integer(INTEGER_OPTIONS.sequentialMaxMs),
    backends: parseBackends(flagValue('backends') ?? env.BENCH_BACKENDS),
    clientLevels: parseClientLevels(flagValue('clients') ?? env.BENCH_CLIENTS),
    levelMaxRuns: integer(INTEGER_OPTIONS.levelMaxRuns),
    levelMaxMs: integer(INTEGER_OPTIONS.levelMaxMs),
    sandboxConcurrency: integer(INTEGER_OPTIONS.sandboxConcurrency),
    sandboxQueueMax: integer(INTEGER_OPTIONS.sandboxQueueMax),
    writeDocs: values['no-docs'] !== true && env.BENCH_WRITE_DOCS !== '0',
    docsPath: path.resolve('docs', 'BENCHMARKS.md'),
    command: describeCommand(argv, env),
  };
}

function argvSchema(): Record<string, { type: 'string' | 'boolean' }> {
  const schema: Record<string, { type: 'string' | 'boolean' }> = {
    backends: { type: 'string' },
    clients: { type: 'string' },
    'no-docs': { type: 'boolean' },
    help: { type: 'boolean' },
  };
  for (const option of Object.values(INTEGER_OPTIONS)) schema[option.flag] = { type: 'string' };
  return schema;
}

function readInteger(option: IntegerOption, raw: string | undefined): number {
  if (raw === undefined || raw === '') return option.fallback;

  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < option.min || value > option.max) {
    throw new BenchOptionsError(`Invalid --${option.flag} (${option.envName}) value ${JSON.stringify(raw)}: use a whole number from ${option.min} to ${option.max}.`);
  }
  return value;
}

function parseBackends(raw: string | undefined): BackendName[] | null {
  if (raw === undefined || raw === '' || raw === 'auto') return null;

  const names = splitList(raw);
  for (const name of names) {
    if (!BACKEND_NAMES.includes(name as BackendName)) {
      throw new BenchOptionsError(`Invalid backend ${JSON.stringify(name)} in --backends (BENCH_BACKENDS): use ${BACKEND_NAMES.join(' or ')}.`);
    }
  }
  return [...new Set(names)] as BackendName[];
}

function parseClientLevels(raw: string | undefined): number[] {
  if (raw === undefined || raw === '') return [1, 4, 16];

  return splitList(raw).map((entry) => {
    const value = Number(entry);
    if (!/^\d+$/.test(entry) || value < 1 || value > MAX_CLIENTS_PER_LEVEL) {
      throw new BenchOptionsError(`Invalid client count ${JSON.stringify(entry)} in --clients (BENCH_CLIENTS): use whole numbers from 1 to ${MAX_CLIENTS_PER_LEVEL}, such as 1,4,16.`);
    }
    return value;
  });
}

function splitList(raw: string): string[] {
  return raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Rebuilds the command as typed: BENCH_* variables first, then `npm run bench` and its arguments. */
function describeCommand(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const settings = Object.keys(env)
    .filter((name) => name.startsWith('BENCH_'))
    .sort()
    .map((name) => `${name}=${env[name]}`);
  const args = argv.length > 0 ? ['--', ...argv] : [];
  return [...settings, 'npm run bench', ...args].join(' ');
}
