import { readFile, writeFile } from 'node:fs/promises';
import type { BackendName } from '../src/sandbox/types.js';
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { PathName, SequentialResult } from './sequential.js';
import type { LevelResult } from './throughput.js';

/** Line of the docs page that separates the hand-written text above it from the results the script writes below it. */
export const RESULTS_MARKER = '<!-- Everything below this line is rewritten by `npm run bench`. -->';

/** Latency targets for `print("hi")`: bubblewrap p50 relative to a bare spawn, and Pyodide p50 with a warm pool. */
const MAX_BUBBLEWRAP_TO_BARE_RATIO = 1.5;
const MAX_PYODIDE_WARM_P50_MS = 100;

export interface BackendReport {
  backend: BackendName;
  pythonVersion: string;
  sequential: SequentialResult;
  levels: LevelResult[];
}

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

export interface BenchReport {
  startedAt: Date;
  elapsedMs: number;
  options: BenchOptions;
  machine: MachineInfo;
  loadAtStart: readonly number[];
  loadAtEnd: readonly number[];
  measured: BackendReport[];
  skipped: SkippedBackend[];
}

const PATH_LABELS: Record<PathName, string> = {
  bare: "bare spawn of `python3 -c 'print(\"hi\")'`",
  service: 'sandbox service alone, `POST /v1/execute`',
  web: 'web app, `POST /api/run`',
};

/** Renders the results section as Markdown, starting with a level-2 heading. */
export function renderResults(report: BenchReport): string {
  return [
    '## Results',
    renderRunFacts(report),
    '### Machine',
    renderMachine(report),
    '### Sequential latency of `print("hi")`',
    renderSequential(report),
    '### Against the targets',
    renderTargets(report),
    '### Throughput of `POST /api/run`',
    renderThroughput(report),
    ...renderProblems(report),
  ].join('\n\n') + '\n';
}

/** Replaces everything below RESULTS_MARKER in the docs page, creating the page or the marker when missing. */
export async function writeResultsSection(docsPath: string, resultsMarkdown: string): Promise<void> {
  const existing = await readFile(docsPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '# Benchmarks\n';
    throw error;
  });
  const markerIndex = existing.indexOf(RESULTS_MARKER);
  const intro = markerIndex === -1 ? existing.trimEnd() : existing.slice(0, markerIndex).trimEnd();
  await writeFile(docsPath, `${intro}\n\n${RESULTS_MARKER}\n\n${resultsMarkdown}`);
}

function renderRunFacts(report: BenchReport): string {
  const { options } = report;
  const date = report.startedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    `Command: \`${options.command}\`, started ${date}, finished in ${(report.elapsedMs / 1000).toFixed(0)} s.`,
    `Sequential runs per path: up to ${options.runs} for bubblewrap and ${options.pyodideRuns} for Pyodide, `
      + `after ${options.warmupRuns} unmeasured warm-up runs (at most 1 for Pyodide), none started after ${(options.sequentialMaxMs / 1000).toFixed(0)} s. `
      + `Sandbox service: concurrency ${options.sandboxConcurrency} and queue ${options.sandboxQueueMax}${isServiceDefault(options) ? " (the service's defaults)" : ''}, `
      + `Pyodide pool of 2 interpreters. Throughput levels: ${options.clientLevels.join(', ')} clients, `
      + `each level starting at most ${options.levelMaxRuns} runs and none after ${(options.levelMaxMs / 1000).toFixed(1)} s.`,
  ].join('\n');
}

function isServiceDefault(options: BenchOptions): boolean {
  return options.sandboxConcurrency === 2 && options.sandboxQueueMax === 16;
}

function renderMachine(report: BenchReport): string {
  const { machine } = report;
  const rows: Array<[string, string]> = [
    ['CPU', `${machine.cpuModel}, ${machine.cpuCount} logical cores`],
    ['memory', `${(machine.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB`],
    ['kernel', machine.kernelRelease],
    ['Node.js', machine.nodeVersion],
    ['bare Python', `${machine.barePythonVersion} at /usr/bin/python3, the interpreter the bubblewrap backend runs`],
    ['load average at start (1, 5, 15 min)', report.loadAtStart.join(', ')],
    ['load average at end (1, 5, 15 min)', report.loadAtEnd.join(', ')],
  ];
  return table(['', ''], rows);
}

function renderSequential(report: BenchReport): string {
  const rows: string[][] = [];
  for (const backend of report.measured) {
    for (const pathName of ['bare', 'service', 'web'] as const) {
      const result = backend.sequential.paths[pathName];
      rows.push([
        backendLabel(backend),
        PATH_LABELS[pathName],
        String(result.latency.count),
        formatMs(result.latency.p50Ms),
        formatMs(result.latency.p95Ms),
        formatMs(result.latency.meanMs),
        String(result.failures),
      ]);
    }
  }
  const notes = report.measured
    .filter((backend) => backend.backend === 'pyodide')
    .map((backend) => `Each Pyodide iteration waits until both pooled interpreters are loaded and idle (read from /proc) before the bare spawn `
      + `and again before the web app's run. The sandboxed runs therefore measure a warm pool, and the bare spawn does not compete with an interpreter loading. `
      + `${backend.sequential.unconfirmedWarmRuns} measured sandboxed runs started without that confirmation.`);
  return [table(['backend', 'path', 'runs', 'p50 ms', 'p95 ms', 'mean ms', 'failed'], rows), ...notes].join('\n\n');
}

function renderTargets(report: BenchReport): string {
  const lines: string[] = [];
  for (const backend of report.measured) {
    const { bare, service, web } = backend.sequential.paths;
    if (backend.backend === 'bubblewrap') {
      const serviceRatio = service.latency.p50Ms / bare.latency.p50Ms;
      const webRatio = web.latency.p50Ms / bare.latency.p50Ms;
      lines.push(`- bubblewrap against a bare spawn, target at most ${MAX_BUBBLEWRAP_TO_BARE_RATIO}× at p50: `
        + `the sandbox service alone is ${formatRatio(serviceRatio)} (${verdict(serviceRatio, serviceRatio <= MAX_BUBBLEWRAP_TO_BARE_RATIO)}), `
        + `\`POST /api/run\` is ${formatRatio(webRatio)} (${verdict(webRatio, webRatio <= MAX_BUBBLEWRAP_TO_BARE_RATIO)}).`);
    } else {
      lines.push(`- Pyodide with a warm pool, target p50 under ${MAX_PYODIDE_WARM_P50_MS} ms: `
        + `the sandbox service alone takes ${formatMs(service.latency.p50Ms)} ms (${verdict(service.latency.p50Ms, service.latency.p50Ms < MAX_PYODIDE_WARM_P50_MS)}), `
        + `\`POST /api/run\` ${formatMs(web.latency.p50Ms)} ms (${verdict(web.latency.p50Ms, web.latency.p50Ms < MAX_PYODIDE_WARM_P50_MS)}).`);
    }
  }
  for (const skipped of report.skipped) lines.push(`- ${skipped.backend}: not measured, so its target is not checked.`);
  return lines.join('\n');
}

function renderThroughput(report: BenchReport): string {
  const rows: string[][] = [];
  for (const backend of report.measured) {
    for (const level of backend.levels) {
      rows.push([
        backendLabel(backend),
        String(level.clients),
        String(level.okRuns),
        String(level.busyRejections),
        String(level.otherFailures),
        (level.elapsedMs / 1000).toFixed(1),
        level.okRunsPerSecond.toFixed(1),
        formatMs(level.latency.p50Ms),
        formatMs(level.latency.p95Ms),
      ]);
    }
  }
  const header = ['backend', 'clients', 'ok runs', '503 sandbox_busy', 'other failures', 'seconds', 'ok runs/s', 'p50 ms', 'p95 ms'];
  return [
    table(header, rows),
    'Latency counts successful runs only. A client that gets 503 `sandbox_busy` waits the `Retry-After` time before its next run. '
      + 'Pyodide levels start with a warm pool, and each run then uses up one interpreter.',
  ].join('\n\n');
}

function renderProblems(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const skipped of report.skipped) lines.push(`- ${skipped.backend} was not measured: ${skipped.reason}`);
  for (const backend of report.measured) {
    for (const [pathName, result] of Object.entries(backend.sequential.paths)) {
      if (result.firstFailure) lines.push(`- ${backend.backend}, ${PATH_LABELS[pathName as PathName]}: first failure: ${result.firstFailure}`);
    }
    for (const level of backend.levels) {
      if (level.firstFailure) lines.push(`- ${backend.backend}, ${level.clients} clients: first failure: ${level.firstFailure}`);
    }
  }
  return lines.length === 0 ? [] : ['### Problems during the run', lines.join('\n')];
}

function backendLabel(backend: BackendReport): string {
  return `${backend.backend} (Python ${backend.pythonVersion})`;
}

/** Formats whether a target was met, or 'not measured' when the value is missing. */
function verdict(value: number, met: boolean): string {
  if (!Number.isFinite(value)) return 'not measured';
  return met ? '**met**' : '**not met**';
}

function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'not measured';
}

function formatMs(valueMs: number): string {
  if (!Number.isFinite(valueMs)) return '–';
  return valueMs < 10 ? valueMs.toFixed(1) : valueMs.toFixed(0);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
