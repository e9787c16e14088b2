/**
 * Hands out a loaded model's slots (parallel sequences) to requests.
 *
 * Concurrency rules:
 * - A slot runs one generation at a time; `acquire` resolves with a lease that must be released exactly once.
 * - Waiting requests form one bounded queue, fair across fairness keys (the member who asked): each key has
 *   its own FIFO sub-queue and a free slot goes to the sub-queues in turn (round robin, one request each), so
 *   one member's burst waits behind itself, not in front of everyone else. Requests without a key share one
 *   sub-queue; when no caller passes keys the queue is one plain FIFO. When the queue is full, `acquire`
 *   fails at once with `QueueFullError` (the API answers 503 + Retry-After); accepted work is never dropped
 *   silently. One key may hold at most `maxQueue - floor(maxQueue / 4)` places, so that a flood from one
 *   member cannot take the places the others need to get in line at all (requests without a key are not
 *   capped: without keys the queue behaves exactly as a plain FIFO).
 * - A waiter whose AbortSignal fires (client gone, timeout) leaves the queue at once.
 * - KV cache reuse: among the free slots, a request gets the one whose cache holds the longest prefix of its
 *   prompt; ties go to the slot released longest ago, so recently used conversations keep their caches.
 * - `close()` rejects every waiter and refuses new ones; leases already handed out stay valid until released.
 */

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(
    readonly depth: number,
    message = `The request queue is full (${depth} waiting).`,
  ) {
    super(message);
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
  key: string;
  score: PrefixScore;
  enqueuedAt: number;
  resolve(lease: SlotLease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

/** The sub-queue of requests without a fairness key. */
const NO_KEY = '';

export class SlotScheduler {
  private readonly free: boolean[];
  /** Release order of each slot (higher = released more recently). */
  private readonly releasedAt: number[];
  private releaseCounter = 0;
  /** One FIFO per fairness key that has waiters (a key with none is removed). */
  private readonly queues = new Map<string, Waiter[]>();
  /** Keys with waiters, in serving order: the first is served next, then goes to the back if it has more. */
  private readonly turns: string[] = [];
  private waiting = 0;
  /** Most places one key may hold. */
  private readonly perKeyLimit: number;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: SchedulerOptions) {
    this.free = Array.from({ length: options.slots }, () => true);
    this.releasedAt = Array.from({ length: options.slots }, () => 0);
    this.perKeyLimit = options.maxQueue - Math.floor(options.maxQueue / 4);
  }

  get queued(): number {
    return this.waiting;
  }

  /** Requests of one fairness key waiting now. */
  queuedFor(key: string | undefined): number {
    return this.queues.get(key ?? NO_KEY)?.length ?? 0;
  }

  get active(): number {
    return this.free.filter((f) => !f).length;
  }

  /**
   * Waits for a slot. `fairnessKey` (the member's id) puts the request in that member's sub-queue; omit it
   * for work nobody in particular asked for.
   */
  acquire(score: PrefixScore, signal?: AbortSignal, fairnessKey?: string): Promise<SlotLease> {
    if (this.closed) return Promise.reject(new SchedulerClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiting === 0) {
      const slot = this.bestFreeSlot(score);
      if (slot !== undefined) return Promise.resolve(this.lease(slot, performance.now()));
    }
    if (this.waiting >= this.options.maxQueue) return Promise.reject(new QueueFullError(this.waiting));
    const key = fairnessKey ?? NO_KEY;
    const own = this.queues.get(key);
    if (key !== NO_KEY && own && own.length >= this.perKeyLimit) {
      return Promise.reject(new QueueFullError(this.waiting, `Too many of your requests are waiting (${own.length}); the rest of the queue is kept for others.`));
    }
    return new Promise<SlotLease>((resolve, reject) => {
      const onAbort = () => {
        this.remove(waiter);
        this.changed();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        key,
        score,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.push(waiter);
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
    const waiters = this.turns.flatMap((key) => this.queues.get(key)!);
    this.queues.clear();
    this.turns.length = 0;
    this.waiting = 0;
    for (const waiter of waiters) {
      waiter.cleanup();
      waiter.reject(new SchedulerClosedError());
    }
    this.changed();
  }

  private push(waiter: Waiter): void {
    const queue = this.queues.get(waiter.key);
    if (queue) queue.push(waiter);
    else {
      this.queues.set(waiter.key, [waiter]);
      this.turns.push(waiter.key);
    }
    this.waiting++;
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues.get(waiter.key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (index === -1) return;
    queue!.splice(index, 1);
    this.waiting--;
    if (queue!.length === 0) this.dropKey(waiter.key);
  }

  private dropKey(key: string): void {
    this.queues.delete(key);
    this.turns.splice(this.turns.indexOf(key), 1);
  }

  /** The waiter whose turn it is: the head of the first key's sub-queue. */
  private next(): Waiter | undefined {
    const key = this.turns[0];
    return key === undefined ? undefined : this.queues.get(key)![0];
  }

  /** Takes the next waiter out; its key goes to the back of the turns if it has more waiting. */
  private takeNext(): Waiter {
    const key = this.turns.shift()!;
    const queue = this.queues.get(key)!;
    const waiter = queue.shift()!;
    this.waiting--;
    if (queue.length === 0) this.queues.delete(key);
    else this.turns.push(key);
    return waiter;
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

  /** Serves waiters, one key's turn at a time, while slots are free. */
  private dispatch(): void {
    for (let head = this.next(); head; head = this.next()) {
      const slot = this.bestFreeSlot(head.score);
      if (slot === undefined) return;
      const waiter = this.takeNext();
      waiter.cleanup();
      waiter.resolve(this.lease(slot, waiter.enqueuedAt));
    }
  }

  private changed(): void {
    this.options.onChange?.({ queued: this.waiting, active: this.active });
  }
}
