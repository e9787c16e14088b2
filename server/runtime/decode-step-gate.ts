/**
 * Makes every active generation of a model advance in the same decode step (continuous batching).
 *
 * node-llama-cpp batches the decodes that are queued on a context when its dispatch runs, and its dispatch
 * loop goes on at once with whatever is queued when a batch ends. Generations whose JavaScript work for the
 * previous token (sampling results arriving one by one, detokenizing, writing the SSE chunk) takes a few
 * more microtasks than the loop miss that batch and fall into the next one: on a 2-core machine four streams
 * ran as batches of 3 + 1 instead of one batch of 4, so concurrency added little throughput.
 *
 * The gate is a barrier between steps: a generation calls `arrive()` before it asks for its next token. The
 * generations released together form a step; the next step is released when every one of them has arrived
 * again (or left), on a fresh macrotask (`setImmediate`), by which time node-llama-cpp's loop for the
 * previous batch has ended. They all queue their decode in that one callback, so its dispatch (also a
 * `setImmediate`) finds them all. A newcomer waits at most one step and joins the next batch; a newcomer's
 * prompt is fed in chunks through the same gate (`SHARED_PROMPT_CHUNK` tokens per step, past `WHOLE_PROMPT_TOKENS`), so the others keep streaming.
 */

/**
 * A newcomer's prompt longer than this is fed in chunks while other generations run (a chat's usual prompt
 * goes in one step: chunking it would only delay its first token).
 */
export const WHOLE_PROMPT_TOKENS = 256;
/**
 * Prompt tokens a long newcomer prompt evaluates per step while other generations are running. On this
 * 2-core machine at one thread a 55M F16 model is compute-bound: a prompt token in a chunk costs about what a
 * generated token does (~2.9 ms), so a chunk adds ~70 ms to the others' step. `bench -- inference --only
 * joins` (4 streams, a 1,500-token prompt joining): chunk 64 gave inter-token p99/p50 12, 32 gave 3.1-3.4,
 * 24 gives 2.0, 16 gives 1.6 with the newcomer's first token 1.5 s later than at 24.
 */
export const SHARED_PROMPT_CHUNK = 24;

export interface DecodeStepStats {
  /** Steps released (each one becomes one batched decode). */
  steps: number;
  /** Generations released over all steps; `sequences / steps` is the mean batch width. */
  sequences: number;
  /** The widest step so far. */
  widest: number;
}

export class DecodeStepGate {
  /** Released in the current step and not arrived yet. */
  private readonly inFlight = new Set<symbol>();
  private waiting: Array<{ id: symbol; go: () => void }> = [];
  private releaseScheduled = false;
  private readonly members = new Set<symbol>();
  private readonly stats: DecodeStepStats = { steps: 0, sequences: 0, widest: 0 };

  constructor(private readonly onStep?: (sequences: number) => void) {}

  /** Registers a generation; call `leave` with the returned id when it ends (always, in a finally). */
  join(): symbol {
    const id = Symbol('generation');
    this.members.add(id);
    return id;
  }

  /** How many generations other than `id` are running. */
  others(id: symbol): number {
    return this.members.size - (this.members.has(id) ? 1 : 0);
  }

  /** Resolves when `id` may queue its next decode, together with every other generation of this step. */
  arrive(id: symbol): Promise<void> {
    this.inFlight.delete(id);
    // Alone: nothing to wait for (no extra macrotask on a single stream).
    if (this.members.size === 1 && this.waiting.length === 0 && this.inFlight.size === 0) {
      this.count(1);
      this.inFlight.add(id);
      return Promise.resolve();
    }
    return new Promise((go) => {
      this.waiting.push({ id, go });
      this.maybeRelease();
    });
  }

  leave(id: symbol): void {
    this.members.delete(id);
    this.inFlight.delete(id);
    const index = this.waiting.findIndex((w) => w.id === id);
    if (index !== -1) this.waiting.splice(index, 1);
    this.maybeRelease();
  }

  snapshot(): DecodeStepStats {
    return { ...this.stats };
  }

  private maybeRelease(): void {
    if (this.releaseScheduled || this.inFlight.size > 0 || this.waiting.length === 0) return;
    this.releaseScheduled = true;
    setImmediate(() => {
      this.releaseScheduled = false;
      const step = this.waiting;
      this.waiting = [];
      if (step.length === 0) return;
      this.count(step.length);
      for (const { id } of step) this.inFlight.add(id);
      for (const { go } of step) go();
    });
  }

  private count(sequences: number): void {
    this.stats.steps++;
    this.stats.sequences += sequences;
    this.stats.widest = Math.max(this.stats.widest, sequences);
    this.onStep?.(sequences);
  }
}
