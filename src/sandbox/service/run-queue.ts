/** A concurrency gate with a bounded wait queue, so bursts wait briefly and floods are turned away. */

export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

/** Error for a task whose caller went away while it waited, so it never ran. */
export class QueueAbandonedError extends Error {
  override name = 'QueueAbandonedError';
}

export interface RunQueue {
  /**
   * Runs `task` when a slot is free; rejects with QueueFullError when the queue is
   * full, and with QueueAbandonedError when `signal` aborts before a slot frees.
   */
  enqueue<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Runs executing now. */
  active(): number;
  /** Runs waiting for a slot. */
  waiting(): number;
}

/** Creates a queue that runs at most `concurrency` tasks at once and keeps at most `queueMax` more waiting. */
export function createRunQueue(concurrency: number, queueMax: number): RunQueue {
  let running = 0;
  const waiters: Array<() => void> = [];

  function releaseSlot(): void {
    const next = waiters.shift();
    if (next) {
      next();
      return;
    }
    running -= 1;
  }

  async function acquireSlot(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw new QueueAbandonedError('the caller went away before the run started');
    if (running < concurrency) {
      running += 1;
      return;
    }
    if (waiters.length >= queueMax) throw new QueueFullError('every sandbox slot is busy and the queue is full');

    // The slot passes straight from the finishing task to this waiter, so `running` stays the same.
    await new Promise<void>((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      // A caller that gave up leaves the queue, so abandoned runs do not use sandbox time.
      const leave = (): void => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        reject(new QueueAbandonedError('the caller went away before the run started'));
      };
      signal?.addEventListener('abort', leave, { once: true });
      waiters.push(waiter);
    });
  }

  return {
    async enqueue<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await acquireSlot(signal);
      try {
        return await task();
      } finally {
        releaseSlot();
      }
    },
    active: () => running,
    waiting: () => waiters.length,
  };
}
