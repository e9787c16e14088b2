/**
 * Hands out a loaded model's slots (parallel sequences) to requests.
 *
 * Concurrency rules:
 * - A slot runs one generation at a time; `acquire` resolves with a lease that must be released exactly once.
 * - Waiting requests form one bounded FIFO queue: the head is always served first. When the queue is full,
 *   `acquire` fails at once with `QueueFullError` (the API answers 503 + Retry-After); accepted work is never
 *   dropped silently.
 * - A waiter whose AbortSignal fires (client gone, timeout) leaves the queue at once.
 * - KV cache reuse: among the free slots, a request gets the one whose cache holds the longest prefix of its
 *   prompt; ties go to the slot released longest ago, so recently used conversations keep their caches.
 * - `close()` rejects every waiter and refuses new ones; leases already handed out stay valid until released.
 */

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(readonly depth: number) {
    super(`The request queue is full (${depth} waiting).`);
  }
}

export class SchedulerClosedError extends Error {
  override name = 'SchedulerClosedError';
  constructor() {
    super('The model is being unloaded.');
  }
}

export interface SlotLease {
  readonly slot: number;
  /** How long the request waited for the slot, in seconds. */
  readonly waitedSeconds: number;
  release(): void;
}

/** How many prompt tokens a slot already holds (higher is better). */
export type PrefixScore = (slot: number) => number;

export interface SchedulerOptions {
  slots: number;
  /** Most requests waiting for a slot; more are refused. */
  maxQueue: number;
  /** Called whenever the number of waiting or running requests changes. */
  onChange?: (state: { queued: number; active: number }) => void;
}

interface Waiter {
  score: PrefixScore;
  enqueuedAt: number;
  resolve(lease: SlotLease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

export class SlotScheduler {
  private readonly free: boolean[];
  /** Release order of each slot (higher = released more recently). */
  private readonly releasedAt: number[];
  private releaseCounter = 0;
  private readonly queue: Waiter[] = [];
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: SchedulerOptions) {
    this.free = Array.from({ length: options.slots }, () => true);
    this.releasedAt = Array.from({ length: options.slots }, () => 0);
  }

  get queued(): number {
    return this.queue.length;
  }

  get active(): number {
    return this.free.filter((f) => !f).length;
  }

  acquire(score: PrefixScore, signal?: AbortSignal): Promise<SlotLease> {
    if (this.closed) return Promise.reject(new SchedulerClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0) {
      const slot = this.bestFreeSlot(score);
      if (slot !== undefined) return Promise.resolve(this.lease(slot, performance.now()));
    }
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new QueueFullError(this.queue.length));
    return new Promise<SlotLease>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index !== -1) this.queue.splice(index, 1);
        this.changed();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        score,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.changed();
    });
  }

  /** Resolves when no slot is in use (immediately if none is). */
  whenIdle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new requests and fails the waiting ones. */
  close(): void {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) {
      waiter.cleanup();
      waiter.reject(new SchedulerClosedError());
    }
    this.changed();
  }

  private bestFreeSlot(score: PrefixScore): number | undefined {
    let best: number | undefined;
    let bestScore = -1;
    for (let slot = 0; slot < this.free.length; slot++) {
      if (!this.free[slot]) continue;
      const s = score(slot);
      if (s > bestScore || (s === bestScore && this.releasedAt[slot]! < this.releasedAt[best!]!)) {
        best = slot;
        bestScore = s;
      }
    }
    return best;
  }

  private lease(slot: number, since: number): SlotLease {
    this.free[slot] = false;
    this.changed();
    let released = false;
    return {
      slot,
      waitedSeconds: (performance.now() - since) / 1000,
      release: () => {
        if (released) return;
        released = true;
        this.free[slot] = true;
        this.releasedAt[slot] = ++this.releaseCounter;
        this.dispatch();
        this.changed();
        if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      },
    };
  }

  /** Serves waiters in order while slots are free. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.bestFreeSlot(this.queue[0]!.score);
      if (slot === undefined) return;
      const waiter = this.queue.shift()!;
      waiter.cleanup();
      waiter.resolve(this.lease(slot, waiter.enqueuedAt));
    }
  }

  private changed(): void {
    this.options.onChange?.({ queued: this.queue.length, active: this.active });
  }
}
