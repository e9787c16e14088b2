/**
 * The server's limits from the guide's "Throughput & Concurrency" table, in one place: request rate (soft,
 * hard, per client), open connections, open streams and requests in flight (the queue). The HTTP layer asks
 * here before it takes work on; a refusal is an AppError (429 for rate, 503 for capacity, with Retry-After),
 * a soft overrun is only counted. `degradedReasons()` feeds `/v1/health`: a limit counts as degraded while
 * it is over its soft limit, and for `HOLD_MS` after a soft overrun or a refusal.
 *
 * Contract for streamed responses: a request that will stream calls `openStream()` before any work starts
 * and calls the returned release function exactly once when the stream has ended (endpoint.ts does it for
 * every request whose JSON body has `"stream": true`).
 */
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { CapacityLimit, type Admission } from './capacity-limit.js';
import { monotonicMs, type Clock } from './token-bucket.js';
import { RateLimiter, type RateDecision, type SharedClientRates } from './rate-limiter.js';

export type LimitName = 'rate' | 'connections' | 'streams' | 'queue';

export interface LimitsOptions {
  rateSoftLimit: number;
  rateHardLimit: number;
  clientRateLimit: number;
  connectionsSoftLimit: number;
  connectionsHardLimit: number;
  streamsSoftLimit: number;
  streamsHardLimit: number;
  queueDepthLimit: number;
  metrics?: Pick<Metrics, 'limitSoftExceeded' | 'limitRejections'>;
  now?: Clock;
  /** Client buckets shared by the replicas (JAN_REDIS_URL); without it each client's bucket is in this process. */
  sharedClientRates?: SharedClientRates;
}

/** How long a soft overrun or a refusal keeps `/v1/health` at `degraded`. */
export const HOLD_MS = 10_000;
/** The guide's queue has no soft figure ("auto"): half full counts as degraded. */
const QUEUE_SOFT_SHARE = 0.5;

export class LimitsService {
  readonly rate: RateLimiter;
  readonly connections: CapacityLimit;
  readonly streams: CapacityLimit;
  readonly queue: CapacityLimit;
  private readonly now: Clock;
  /** Per limit: when it last went over soft, and when it last refused. */
  private readonly lastSoft = new Map<LimitName, number>();
  private readonly lastRefusal = new Map<LimitName, number>();

  constructor(private readonly options: LimitsOptions) {
    this.now = options.now ?? monotonicMs;
    this.rate = new RateLimiter({
      softPerSecond: options.rateSoftLimit,
      hardPerSecond: options.rateHardLimit,
      clientPerSecond: options.clientRateLimit,
      now: this.now,
    });
    this.connections = new CapacityLimit(options.connectionsSoftLimit, options.connectionsHardLimit);
    this.streams = new CapacityLimit(options.streamsSoftLimit, options.streamsHardLimit);
    this.queue = new CapacityLimit(Math.max(1, Math.ceil(options.queueDepthLimit * QUEUE_SOFT_SHARE)), options.queueDepthLimit);
  }

  /** New figures from Settings, applied at once (what is open or in flight stays; newcomers meet the new limits). */
  reconfigure(figures: Omit<LimitsOptions, 'metrics' | 'now' | 'sharedClientRates'>): void {
    this.rate.setRates({ softPerSecond: figures.rateSoftLimit, hardPerSecond: figures.rateHardLimit, clientPerSecond: figures.clientRateLimit });
    this.connections.setLimits(figures.connectionsSoftLimit, figures.connectionsHardLimit);
    this.streams.setLimits(figures.streamsSoftLimit, figures.streamsHardLimit);
    this.queue.setLimits(Math.max(1, Math.ceil(figures.queueDepthLimit * QUEUE_SOFT_SHARE)), figures.queueDepthLimit);
  }

  /** Takes a token for the client; throws 429 when the client or the server is over its rate. */
  checkRate(clientKey: string): RateDecision {
    const decision = this.rate.check(clientKey);
    if (decision.overSoft) this.noteSoft('rate');
    if (!decision.allowed) this.noteRefusal('rate');
    return decision;
  }

  /**
   * `checkRate` as the HTTP layer asks it: with client buckets shared by the replicas, the client's bucket is
   * asked in Redis (one round trip) unless this server's own bucket refuses first; without, `checkRate` as is.
   */
  /** Synchronous without shared rates (no Promise on the hot path of a single node); a Promise with Redis. */
  admitRate(clientKey: string): RateDecision | Promise<RateDecision> {
    const shared = this.options.sharedClientRates;
    if (!shared || this.rate.serverWaitMs() > 0) return this.checkRate(clientKey);
    return this.admitSharedRate(shared, clientKey);
  }

  private async admitSharedRate(shared: SharedClientRates, clientKey: string): Promise<RateDecision> {
    const decision = this.rate.checkWith(await shared.take(clientKey, this.rate.clientPerSecond));
    if (decision.overSoft) this.noteSoft('rate');
    if (!decision.allowed) this.noteRefusal('rate');
    return decision;
  }

  /** Counts an accepted TCP connection; `false` when it is beyond the hard limit. Call `closeConnection` when it closes. */
  openConnection(): boolean {
    return this.admitted('connections', this.connections.enter());
  }

  closeConnection(): void {
    this.connections.leave();
  }

  /** Takes a stream slot or throws 503; returns the release function (idempotent). */
  openStream(): () => void {
    return this.take('streams', this.streams, 'Too many streamed responses are open; try again shortly.');
  }

  /** Takes a place among the requests in flight or throws 503; returns the release function (idempotent). */
  enterQueue(): () => void {
    return this.take('queue', this.queue, 'The server has too many requests in progress; try again shortly.');
  }

  /** Why `/v1/health` should say `degraded` now (empty when it should not). */
  degradedReasons(): string[] {
    const now = this.now();
    const reasons: string[] = [];
    const recent = (map: Map<LimitName, number>, name: LimitName) => now - (map.get(name) ?? -Infinity) < HOLD_MS;
    const over: Record<LimitName, boolean> = {
      rate: false,
      connections: this.connections.overSoft,
      streams: this.streams.overSoft,
      queue: this.queue.overSoft,
    };
    for (const name of ['rate', 'connections', 'streams', 'queue'] as const) {
      if (recent(this.lastRefusal, name)) reasons.push(`${name}_hard_limit`);
      else if (over[name] || recent(this.lastSoft, name)) reasons.push(`${name}_soft_limit`);
    }
    return reasons;
  }

  private take(name: LimitName, limit: CapacityLimit, message: string): () => void {
    const admission = limit.tryEnter();
    if (!this.admitted(name, admission)) {
      throw new AppError(503, 'service_unavailable_error', message, { code: `${name}_limit_reached`, retryAfter: 1 });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      limit.leave();
    };
  }

  private admitted(name: LimitName, admission: Admission): boolean {
    if (admission === 'refused') {
      this.noteRefusal(name);
      return false;
    }
    if (admission === 'over_soft') this.noteSoft(name);
    return true;
  }

  private noteSoft(name: LimitName): void {
    this.lastSoft.set(name, this.now());
    this.options.metrics?.limitSoftExceeded.inc({ limit: name });
  }

  private noteRefusal(name: LimitName): void {
    this.lastRefusal.set(name, this.now());
    this.options.metrics?.limitRejections.inc({ limit: name });
  }
}
