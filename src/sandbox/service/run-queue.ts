/** A concurrency gate with a bounded wait queue, so bursts wait briefly and floods are turned away. */

export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export interface RunQueue {
  /** Runs `task` when a slot is free; rejects with QueueFullError when the queue is full. */
  enqueue<T>(task: () => Promise<T>): Promise<T>;
  /** Runs executing now. */
  active(): number;
  /** Runs waiting for a slot. */
  waiting(): number;
}

/** Creates a queue that runs at most `concurrency` tasks at once and holds at most `queueMax` more. */
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

  async function acquireSlot(): Promise<void> {
    if (running < concurrency) {
      running += 1;
      return;
    }
    if (waiters.length >= queueMax) throw new QueueFullError('every sandbox slot is busy and the queue is full');
    // The slot passes straight from the finishing task to this waiter, so `running` stays the same.
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  return {
    async enqueue<T>(task: () => Promise<T>): Promise<T> {
      await acquireSlot();
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
