/**
 * The timers and the abort listener of one fetch. The guard is aimed at whatever is in flight (the request
 * of the current hop, then the response body) and destroys it with a FetchError when the total time runs
 * out, when nothing moved for the stall time, or when the caller's signal aborts. `stop()` (the body ended
 * or failed) clears everything; a guard fires at most once.
 */
import { FetchError } from './fetch-error.js';

export interface GuardOptions {
  stallTimeoutMs?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export class FetchGuard {
  private total: NodeJS.Timeout | undefined;
  private stall: NodeJS.Timeout | undefined;
  private target: ((error: FetchError) => void) | undefined;
  private fired: FetchError | undefined;
  private readonly onAbort = () => this.fire(new FetchError('aborted', `The fetch of ${this.url()} was aborted.`, { url: this.url(), cause: this.options.signal?.reason }));

  /** `url` names the current hop in messages. */
  constructor(
    private readonly options: GuardOptions,
    private readonly url: () => string,
  ) {
    if (options.signal?.aborted) {
      this.fired = new FetchError('aborted', `The fetch of ${url()} was aborted.`, { url: url(), cause: options.signal.reason });
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      this.total = setTimeout(() => this.fire(new FetchError('timeout', `Fetching ${this.url()} took longer than ${ms} ms.`, { url: this.url() })), ms);
    }
    this.kick();
  }

  /** The error the guard fired with, if it did (check before starting the next step). */
  get error(): FetchError | undefined {
    return this.fired;
  }

  /** What to destroy when the guard fires. */
  aim(target: (error: FetchError) => void): void {
    this.target = target;
    if (this.fired) target(this.fired);
  }

  /** Progress: the stall timer starts again. */
  kick(): void {
    const ms = this.options.stallTimeoutMs;
    if (ms === undefined || this.fired) return;
    if (this.stall) this.stall.refresh();
    else this.stall = setTimeout(() => this.fire(new FetchError('timeout', `Nothing arrived from ${this.url()} for ${ms} ms.`, { url: this.url() })), ms);
  }

  stop(): void {
    clearTimeout(this.total);
    clearTimeout(this.stall);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.target = undefined;
  }

  private fire(error: FetchError): void {
    if (this.fired) return;
    this.fired = error;
    const target = this.target;
    this.stop();
    target?.(error);
  }
}
