/**
 * A pool of warm Pyodide children. Loading an interpreter takes about two
 * seconds, so the pool keeps `size` children loaded and waiting. Each run takes
 * one child for itself and the pool starts a replacement, so no interpreter,
 * module, global or in-memory file ever serves two runs.
 */
import type { ChildLaunch } from './launch.js';
import { SandboxChild } from './sandbox-child.js';

/** Options of a ChildPool. */
export interface ChildPoolOptions {
  size: number;
  launch: ChildLaunch;
  readyTimeoutMs: number;
}

/** Start failures in a row after which the waiting runs receive the error. */
const MAX_START_FAILURES_IN_A_ROW = 3;

interface Waiter {
  resolve: (child: SandboxChild) => void;
  reject: (error: Error) => void;
  /** False for start()'s probe, which hands the child back instead of using it. */
  takesChild: boolean;
}

/** Warm children, handed out one per run. */
export class ChildPool {
  readonly #options: ChildPoolOptions;
  readonly #idle: SandboxChild[] = [];
  readonly #starting = new Set<SandboxChild>();
  readonly #all = new Set<SandboxChild>();
  readonly #waiters: Waiter[] = [];
  #startFailuresInARow = 0;
  #closed = false;

  constructor(options: ChildPoolOptions) {
    this.#options = options;
  }

  /** Fills the pool and resolves with the Python version once one child is ready; rejects if none can start. */
  async start(): Promise<string> {
    if (this.#closed) throw new Error('The Pyodide sandbox pool is closed.');

    const child = await new Promise<SandboxChild>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, takesChild: false });
      this.#fill();
    });
    return child.ready;
  }

  /** Resolves with a ready child that belongs to the caller alone; the pool starts its replacement. */
  acquire(): Promise<SandboxChild> {
    if (this.#closed) return Promise.reject(new Error('The Pyodide sandbox pool is closed.'));

    const child = this.#takeIdle();
    if (child) {
      this.#fill();
      return Promise.resolve(child);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject, takesChild: true });
      this.#fill();
    });
  }

  /** Kills every child, idle, starting or running, and resolves once all have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.reject(new Error('The Pyodide sandbox pool is closed.'));
    }
    const children = [...this.#all];
    for (const child of children) child.kill();
    await Promise.all(children.map((child) => child.exited));
  }

  #takeIdle(): SandboxChild | undefined {
    // A child can die while it waits (killed from outside, for example).
    while (this.#idle.length > 0) {
      const child = this.#idle.shift();
      if (child?.isIdle) return child;
    }
    return undefined;
  }

  /**
   * Starts children until the idle and starting ones cover the pool size plus
   * the waiting runs. At most `size` start at once, because each start costs
   * about two seconds of CPU and a burst of runs must not start a burst of them.
   */
  #fill(): void {
    const target = () => this.#options.size + this.#waiters.filter((waiter) => waiter.takesChild).length;
    while (!this.#closed && this.#idle.length + this.#starting.size < target() && this.#starting.size < this.#options.size) {
      this.#startChild();
    }
  }

  #startChild(): void {
    const child = new SandboxChild(this.#options.launch, this.#options.readyTimeoutMs);
    this.#all.add(child);
    this.#starting.add(child);
    void child.exited.then(() => this.#onChildExit(child));

    child.ready.then(
      () => this.#onChildReady(child),
      (error: unknown) => this.#onChildFailed(child, error),
    );
  }

  #onChildReady(child: SandboxChild): void {
    this.#starting.delete(child);
    this.#startFailuresInARow = 0;
    if (this.#closed) {
      child.kill();
      return;
    }

    const waiter = this.#waiters.shift();
    if (!waiter) {
      this.#idle.push(child);
      return;
    }
    // start()'s probe only reads the version, so its child stays in the pool, unused.
    if (!waiter.takesChild) this.#idle.unshift(child);
    waiter.resolve(child);
    this.#fill();
  }

  #onChildFailed(child: SandboxChild, error: unknown): void {
    this.#starting.delete(child);
    if (this.#closed) return;

    this.#startFailuresInARow += 1;
    if (this.#startFailuresInARow >= MAX_START_FAILURES_IN_A_ROW) {
      this.#startFailuresInARow = 0;
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const waiter of this.#waiters.splice(0)) waiter.reject(reason);
      return;
    }
    this.#fill();
  }

  #onChildExit(child: SandboxChild): void {
    this.#all.delete(child);
    const idleIndex = this.#idle.indexOf(child);
    if (idleIndex !== -1) {
      this.#idle.splice(idleIndex, 1);
      this.#fill();
    }
  }
}
