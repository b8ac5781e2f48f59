/**
 * cgroup v1 limits for sandboxed runs. rlimits apply per process, so a run that
 * forks could use `maxProcesses` times the memory and CPU of one process. The
 * cgroups bound the whole process tree. They are used only where this process may
 * create cgroups (typically as root on a cgroup v1 host) and skipped otherwise.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Controllers that limit a run. cpuacct only measures CPU time. */
const USED_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct'] as const;
type Controller = (typeof USED_CONTROLLERS)[number];

/** Prefix of every cgroup directory that a backend in this process creates. */
export const CGROUP_NAME_PREFIX = `learnpython-sandbox-${process.pid}-`;

const CPU_PERIOD_MICROS = 100_000;
const REMOVE_ATTEMPTS = 50;
const KILL_ROUNDS = 50;
const RETRY_DELAY_MS = 20;

/** One mounted cgroup v1 hierarchy, with the directory that contains this backend's cgroups. */
interface Hierarchy {
  controllers: ReadonlySet<string>;
  backendDir: string;
}

/** Limits written into a run's cgroups. */
export interface CgroupLimits {
  memoryBytes: number;
  maxTasks: number;
  /** Share of one CPU core the whole run may use, 1 meaning one full core. */
  cpuCores: number;
}

/** The writable cgroup v1 hierarchies of this host, with one parent cgroup per backend. */
export class CgroupSupport {
  readonly #hierarchies: Hierarchy[];
  #nextRunId = 0;

  private constructor(hierarchies: Hierarchy[]) {
    this.#hierarchies = hierarchies;
  }

  /**
   * Creates this backend's parent cgroup in every hierarchy with a controller it
   * uses. The parent sits below this process's own cgroup, so the limits an
   * operator put on the service still contain every run.
   */
  static async create(): Promise<CgroupSupport> {
    const mounts = await listCgroupV1Mounts();
    const ownPaths = await readOwnCgroupPaths();
    const backendName = CGROUP_NAME_PREFIX + randomBytes(4).toString('hex');
    const hierarchies: Hierarchy[] = [];

    for (const mount of mounts) {
      const controllers = [...mount.controllers].filter(isUsedController);
      if (controllers.length === 0) continue;

      const ownPath = ownPaths.get(controllerKey(mount.controllers));
      const ownDir = ownPath === undefined ? null : cgroupDirectory(mount, ownPath);
      if (ownDir === null) continue;

      const backendDir = path.join(ownDir, backendName);
      if (await tryMkdir(backendDir)) hierarchies.push({ controllers: mount.controllers, backendDir });
    }

    return new CgroupSupport(hierarchies);
  }

  /** True when at least one hierarchy is writable. */
  get available(): boolean {
    return this.#hierarchies.length > 0;
  }

  /** Names of the controllers in use, for logs and health output. */
  controllerNames(): string[] {
    return this.#hierarchies.flatMap((hierarchy) => [...hierarchy.controllers].filter(isUsedController)).sort();
  }

  /**
   * Creates and limits one cgroup per hierarchy for a run. A hierarchy whose
   * limits cannot be written is left out, because the rlimits still bound each
   * process. `RunCgroup.controllers()` lists the ones that apply.
   */
  async createRunCgroup(limits: CgroupLimits): Promise<RunCgroup> {
    this.#nextRunId += 1;
    const runName = `run-${this.#nextRunId}`;
    const joined: Hierarchy[] = [];

    for (const hierarchy of this.#hierarchies) {
      const runDir = path.join(hierarchy.backendDir, runName);
      if (!(await tryMkdir(runDir))) continue;

      try {
        await writeLimits(runDir, hierarchy.controllers, limits);
        joined.push({ controllers: hierarchy.controllers, backendDir: runDir });
      } catch {
        await removeCgroupDir(runDir);
      }
    }

    return new RunCgroup(joined);
  }

  /** Removes this backend's parent cgroups. Run cgroups must be removed first. */
  async remove(): Promise<void> {
    for (const hierarchy of this.#hierarchies) await removeCgroupDir(hierarchy.backendDir);
  }
}

/** The cgroups of one run, one per writable hierarchy. */
export class RunCgroup {
  readonly #dirs: Hierarchy[];

  constructor(dirs: Hierarchy[]) {
    this.#dirs = dirs;
  }

  /** `cgroup.procs` files the run's first process writes its pid into before it starts the sandbox. */
  procsFiles(): string[] {
    return this.#dirs.map((dir) => path.join(dir.backendDir, 'cgroup.procs'));
  }

  /** Names of the controllers that limit this run. */
  controllers(): Set<string> {
    return new Set(this.#dirs.flatMap((dir) => [...dir.controllers].filter(isUsedController)));
  }

  /** Number of processes the kernel's OOM killer ended in this run; 0 without a memory cgroup. */
  async oomKillCount(): Promise<number> {
    const dir = this.#dirFor('memory');
    if (!dir) return 0;

    const text = await readFile(path.join(dir, 'memory.oom_control'), 'utf8').catch(() => '');
    const match = /^oom_kill (\d+)$/m.exec(text);
    return match ? Number(match[1]) : 0;
  }

  /** CPU time used by every process of the run, or null without a cpuacct cgroup. */
  async cpuUsageMs(): Promise<number | null> {
    const dir = this.#dirFor('cpuacct');
    if (!dir) return null;

    const text = await readFile(path.join(dir, 'cpuacct.usage'), 'utf8').catch(() => '');
    const nanoseconds = Number.parseInt(text, 10);
    return Number.isFinite(nanoseconds) ? Math.round(nanoseconds / 1e6) : null;
  }

  /**
   * Sends SIGKILL to every process left in the run's cgroups until they are empty.
   * A process forked between reading the list and the kill shows up in the next round.
   */
  async killAll(): Promise<void> {
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const pids = await this.#listPids();
      if (pids.length === 0) return;

      for (const pid of pids) killQuietly(pid);
      await sleep(RETRY_DELAY_MS);
    }
  }

  /** Kills what is left and removes the run's cgroups. */
  async remove(): Promise<void> {
    await this.killAll();
    for (const dir of this.#dirs) await removeCgroupDir(dir.backendDir);
  }

  #dirFor(controller: Controller): string | undefined {
    return this.#dirs.find((dir) => dir.controllers.has(controller))?.backendDir;
  }

  async #listPids(): Promise<number[]> {
    const pids = new Set<number>();
    for (const dir of this.#dirs) {
      const text = await readFile(path.join(dir.backendDir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        const pid = Number.parseInt(line, 10);
        if (pid > 0) pids.add(pid);
      }
    }
    return [...pids];
  }
}

/**
 * Lists every cgroup directory that backends of this process created and have not
 * yet removed, in every hierarchy. Tests use it to prove that runs leave none behind.
 */
export async function listSandboxCgroupDirs(): Promise<string[]> {
  const found: string[] = [];
  const mounts = await listCgroupV1Mounts();
  const ownPaths = await readOwnCgroupPaths();

  for (const mount of mounts) {
    const ownPath = ownPaths.get(controllerKey(mount.controllers));
    const ownDir = ownPath === undefined ? null : cgroupDirectory(mount, ownPath);
    if (ownDir === null) continue;

    const entries = await readdir(ownDir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory() || !entry.name.startsWith(CGROUP_NAME_PREFIX)) continue;
      const backendDir = path.join(ownDir, entry.name);
      found.push(backendDir);

      const children = await readdir(backendDir, { withFileTypes: true }).catch(() => []);
      for (const child of children) {
        if (child.isDirectory()) found.push(path.join(backendDir, child.name));
      }
    }
  }
  return found;
}

async function writeLimits(runDir: string, controllers: ReadonlySet<string>, limits: CgroupLimits): Promise<void> {
  if (controllers.has('memory')) {
    await writeFile(path.join(runDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // Without a swap limit the run could push its pages to swap and keep growing.
    await writeFile(path.join(runDir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(ignoreMissingFile);
  }
  if (controllers.has('pids')) {
    await writeFile(path.join(runDir, 'pids.max'), String(limits.maxTasks));
  }
  if (controllers.has('cpu')) {
    await writeFile(path.join(runDir, 'cpu.cfs_period_us'), String(CPU_PERIOD_MICROS));
    await writeFile(path.join(runDir, 'cpu.cfs_quota_us'), String(Math.round(CPU_PERIOD_MICROS * limits.cpuCores)));
  }
}

function ignoreMissingFile(error: NodeJS.ErrnoException): void {
  // Kernels booted without swap accounting have no memsw files.
  if (error.code !== 'ENOENT') throw error;
}

interface CgroupMount {
  mountPoint: string;
  /** Path inside the hierarchy that is mounted at `mountPoint` (not always "/" in containers). */
  root: string;
  controllers: ReadonlySet<string>;
}

async function listCgroupV1Mounts(): Promise<CgroupMount[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const mounts: CgroupMount[] = [];

  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;

    const [fsType, , superOptions] = right.split(' ');
    if (fsType !== 'cgroup' || !superOptions) continue;

    const fields = left.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (!root || !mountPoint) continue;

    const controllers = new Set(superOptions.split(',').filter((option) => option !== 'rw' && option !== 'ro'));
    mounts.push({ mountPoint: unescapeMountPath(mountPoint), root: unescapeMountPath(root), controllers });
  }
  return mounts;
}

/** Maps each hierarchy's controller list, such as "cpu,cpuacct", to this process's path in it. */
async function readOwnCgroupPaths(): Promise<Map<string, string>> {
  const text = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
  const paths = new Map<string, string>();

  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match?.[1]) continue;
    paths.set(controllerKey(new Set(match[1].split(','))), match[2] ?? '/');
  }
  return paths;
}

function cgroupDirectory(mount: CgroupMount, ownPath: string): string | null {
  const relative = path.posix.relative(mount.root, ownPath);
  // A path outside the mounted subtree cannot be reached from this mount namespace.
  if (relative.startsWith('..') || path.posix.isAbsolute(relative)) return null;
  return path.join(mount.mountPoint, relative);
}

function controllerKey(controllers: ReadonlySet<string>): string {
  return [...controllers].sort().join(',');
}

function isUsedController(name: string): name is Controller {
  return (USED_CONTROLLERS as readonly string[]).includes(name);
}

function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

async function tryMkdir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch {
    return false;
  }
}

async function removeCgroupDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      // EBUSY while the kernel still tears down the last tasks of the run.
      if (code !== 'EBUSY') throw error;
      await sleep(RETRY_DELAY_MS);
    }
  }
  throw new Error(`Failed to remove cgroup ${dir}: it still contains tasks or child cgroups.`);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // The process exited between listing and kill.
  }
}
