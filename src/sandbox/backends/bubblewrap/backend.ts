/**
 * The bubblewrap backend: every run is a fresh CPython in its own namespaces,
 * under rlimits, cgroups where the host allows them, and a wall-clock kill.
 *
 * NOTE: bwrap's outer process exits without reaping the sandbox's init process,
 * so that process becomes a zombie of the host's pid 1 for a moment. Run the
 * service under an init that reaps orphans (systemd, tini, `docker run --init`),
 * never as pid 1 itself, or zombies pile up.
 */
import { DEFAULT_RUN_LIMITS, type RunLimits, type RunRequest, type RunResult, type SandboxBackend } from '../../types.js';
import { CgroupSupport, type RunCgroup } from './cgroups.js';
import { classifyRun, failedStartResult, type CgroupFacts } from './classify-run.js';
import { resolveHostTools, type HostToolOptions } from './host-tools.js';
import { effectiveLimits, processRlimits, validateLimits } from './limits.js';
import { runSandboxProcess, type ProcessOutcome } from './run-process.js';
import { buildRunCommand, SANDBOX_UID, type HostTools } from './sandbox-command.js';

/** Options of createBubblewrapBackend. */
export interface BubblewrapBackendOptions extends HostToolOptions {
  /** The backend's own limits; a request can only lower them. */
  limits?: RunLimits;
  /**
   * First host uid of the concurrent run slots when the service runs as root:
   * slot n runs as uid `hostUidBase + n`. Pick a range no account on the host uses.
   * The default gives each service process its own range of 100 uids.
   */
  hostUidBase?: number;
}

/**
 * The kernel ignores RLIMIT_NPROC for processes whose real uid is root, so a
 * root service runs learner code as another uid. Each concurrent slot gets its
 * own, so per-user kernel quotas (pipe buffers, inotify watches) of one run never
 * starve another. The value is arbitrary. It lies above Debian's login.defs
 * ranges for accounts (UID_MAX 60000) and subordinate uids (SUB_UID_MAX 600100000).
 *
 * NOTE: inside a user namespace that maps only some uids (rootless containers),
 * setpriv fails for unmapped uids and start() rejects. Set hostUidBase to a mapped range there.
 */
const DEFAULT_HOST_UID_BASE = 1_500_000_000;

/**
 * Uids per service process in the default range. Two service processes on one
 * host share uids only when their pids are equal modulo 10,000 or a process runs
 * more than this many runs at once.
 */
const DEFAULT_UIDS_PER_PROCESS = 100;

/** Highest hostUidBase accepted, leaving room for slots below 2^31, a range every tool accepts. */
const MAX_HOST_UID_BASE = 2 ** 31 - 1 - 100_000;

/** Prints the interpreter version and the uid, which proves the user namespace mapping. */
const PROBE_CODE = 'import os, sys\nprint("%d.%d.%d" % sys.version_info[:3], os.getuid())\n';
const PROBE_OUTPUT = new RegExp(`^(\\d+\\.\\d+\\.\\d+) ${SANDBOX_UID}\\n$`);

/** First words of a message from a wrapper program that failed before Python ran. */
const SETUP_ERROR_PREFIX = /^(bwrap|prlimit|setpriv|prepare-sandbox): /;

/** Keeps one run from taking every core of the host, whatever it forks. */
const CPU_CORES_PER_RUN = 1;

/** bwrap's outer process and the sandbox's init process, counted by pids.max but not by the run's budget. */
const SANDBOX_HELPER_TASKS = 2;

/** Backend that runs each request in a fresh bwrap sandbox. */
export class BubblewrapBackend implements SandboxBackend {
  readonly name = 'bubblewrap' as const;

  readonly #limits: Readonly<RunLimits>;
  readonly #toolOptions: HostToolOptions;
  readonly #hostUidBase: number;
  readonly #runsAsRoot = process.getuid?.() === 0;
  readonly #closeSignal = new AbortController();
  readonly #inFlight = new Set<Promise<RunResult>>();
  readonly #busySlots = new Set<number>();
  readonly #unremovedCgroups = new Set<RunCgroup>();

  #tools: HostTools | null = null;
  #cgroups: CgroupSupport | null = null;
  #version: string | null = null;
  #starting: Promise<void> | null = null;
  #closed = false;

  constructor(options: BubblewrapBackendOptions = {}) {
    const limits = { ...(options.limits ?? DEFAULT_RUN_LIMITS) };
    validateLimits(limits);
    this.#limits = Object.freeze(limits);
    this.#toolOptions = { bwrapPath: options.bwrapPath, pythonPath: options.pythonPath };
    this.#hostUidBase = options.hostUidBase ?? DEFAULT_HOST_UID_BASE + (process.pid % 10_000) * DEFAULT_UIDS_PER_PROCESS;
    if (!Number.isInteger(this.#hostUidBase) || this.#hostUidBase < 1 || this.#hostUidBase > MAX_HOST_UID_BASE) {
      throw new RangeError(`Invalid hostUidBase ${String(options.hostUidBase)}: use an integer from 1 to ${MAX_HOST_UID_BASE}.`);
    }
  }

  /** Checks the host programs, prepares cgroups and runs one sandboxed probe. Rejects if any step fails. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The bubblewrap backend is closed and cannot start again.'));
    this.#starting ??= this.#startOnce().catch((error: unknown) => {
      this.#starting = null;
      throw error;
    });
    return this.#starting;
  }

  /** Python version of the sandboxed interpreter, such as "3.11.2". */
  pythonVersion(): string {
    if (this.#version === null) throw new Error('pythonVersion() is available only after start() has resolved.');
    return this.#version;
  }

  /** Runs the code in a fresh sandbox. Never rejects: failures become a `killed` result. */
  async run(request: RunRequest): Promise<RunResult> {
    if (this.#closed) return failedStartResult('The sandbox backend is closed.', 0);
    if (!this.#tools || !this.#cgroups || this.#version === null) {
      return failedStartResult('The sandbox backend is not started.', 0);
    }

    const task = this.#execute(this.#tools, this.#cgroups, request);
    this.#inFlight.add(task);
    try {
      return await task;
    } finally {
      this.#inFlight.delete(task);
    }
  }

  /** Kills runs in progress and removes the backend's cgroups. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#closeSignal.abort();
    }

    await this.#starting?.catch(() => {});
    await Promise.allSettled([...this.#inFlight]);

    for (const cgroup of this.#unremovedCgroups) {
      await cgroup.remove();
      this.#unremovedCgroups.delete(cgroup);
    }
    await this.#cgroups?.remove();
  }

  async #startOnce(): Promise<void> {
    const tools = await resolveHostTools(this.#toolOptions, this.#runsAsRoot);
    const cgroups = await CgroupSupport.create();

    try {
      const probe = await this.#execute(tools, cgroups, { code: PROBE_CODE, stdin: '', limits: this.#limits });
      const version = PROBE_OUTPUT.exec(probe.stdout)?.[1];
      if (probe.status !== 'ok' || version === undefined) {
        const detail = probe.stderr.trim() || `status ${probe.status}, output ${JSON.stringify(probe.stdout)}`;
        throw new Error(`bubblewrap cannot run sandboxed Python on this host: ${detail}`);
      }
      if (this.#closed) throw new Error('The bubblewrap backend was closed while it started.');

      this.#tools = tools;
      this.#cgroups = cgroups;
      this.#version = version;
    } catch (error) {
      await cgroups.remove().catch(() => {});
      throw error;
    }
  }

  /** Runs one request end to end; never rejects. */
  async #execute(tools: HostTools, cgroups: CgroupSupport, request: RunRequest): Promise<RunResult> {
    const limits = effectiveLimits(this.#limits, request.limits);
    const slot = this.#acquireSlot();
    let runCgroup: RunCgroup | null = null;

    try {
      runCgroup = await cgroups.createRunCgroup({
        // The run's files live in tmpfs, whose pages are charged to the run's memory cgroup.
        memoryBytes: limits.memoryBytes + limits.maxFileBytes,
        maxTasks: limits.maxProcesses + SANDBOX_HELPER_TASKS,
        cpuCores: CPU_CORES_PER_RUN,
      });

      const command = buildRunCommand(tools, {
        limits,
        rlimits: processRlimits(limits),
        codeBytes: Buffer.byteLength(request.code, 'utf8'),
        hostUid: this.#runsAsRoot ? this.#hostUidBase + slot : null,
        cgroupProcsFiles: runCgroup.procsFiles(),
      });

      const outcome = await runSandboxProcess({
        command,
        code: request.code,
        stdin: request.stdin,
        wallMs: limits.wallMs,
        maxOutputBytes: limits.maxOutputBytes,
        signal: this.#closeSignal.signal,
      });

      const facts: CgroupFacts = { oomKills: await runCgroup.oomKillCount(), cpuUsageMs: await runCgroup.cpuUsageMs() };
      return resultOf(outcome, facts, limits);
    } catch (error) {
      return failedStartResult(`The sandbox failed to run the code: ${errorMessage(error)}`, 0);
    } finally {
      if (runCgroup) await this.#removeRunCgroup(runCgroup);
      this.#busySlots.delete(slot);
    }
  }

  async #removeRunCgroup(cgroup: RunCgroup): Promise<void> {
    try {
      await cgroup.remove();
    } catch {
      // close() tries again, because a cgroup left behind would also keep its slot's limits.
      this.#unremovedCgroups.add(cgroup);
    }
  }

  #acquireSlot(): number {
    let slot = 0;
    while (this.#busySlots.has(slot)) slot += 1;
    this.#busySlots.add(slot);
    return slot;
  }
}

function resultOf(outcome: ProcessOutcome, facts: CgroupFacts, limits: Readonly<RunLimits>): RunResult {
  if (outcome.spawnError) {
    return failedStartResult(`The sandbox could not be started: ${outcome.spawnError.message}`, outcome.durationMs);
  }

  const setupFailed = outcome.stopReason === null
    && outcome.exitCode !== 0
    && (!outcome.sandboxStarted || SETUP_ERROR_PREFIX.test(outcome.stderr));
  if (setupFailed) {
    const detail = outcome.stderr.trim() || `exit code ${String(outcome.exitCode)}`;
    return failedStartResult(`The sandbox could not be set up: ${detail}`, outcome.durationMs);
  }

  const result = classifyRun(outcome, facts, limits);
  if (outcome.stopReason === 'closed') {
    result.stderr += `${result.stderr && !result.stderr.endsWith('\n') ? '\n' : ''}The run was stopped because the sandbox is shutting down.\n`;
  }
  return result;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
