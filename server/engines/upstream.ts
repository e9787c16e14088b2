/**
 * One remote engine's live state: whether it takes requests, what it serves, what it is doing. Health is a
 * small state machine: `unknown` (before the first check; it takes requests) → `healthy` after a successful
 * check or request; `EJECT_AFTER` failures in a row (checks or requests) → `ejected`, which takes no requests
 * until a health check succeeds again.
 */
import type { EngineSpec, EngineStatus } from '../api/engines.js';
import { literalAddress } from '../net/index.js';
import { ENGINE_ERROR_KINDS, type EngineErrorKind, type EngineMetrics } from './engine-metrics.js';

export const EJECT_AFTER = 3;
/** A non-streamed generation sends its headers only when done: as long as the request timeout's cap. */
export const DEFAULT_STALL_MS = 60_000;

export class Upstream {
  readonly name: string;
  /** The base URL without a trailing slash; `/v1/...` is appended. */
  readonly baseUrl: string;
  readonly listed: readonly string[] | undefined;
  /** Ms without a byte before a request fails (the spec's `timeout_ms`). */
  readonly stallMs: number;
  state: EngineStatus['state'] = 'unknown';
  discovered: readonly string[] = [];
  inFlight = 0;
  consecutiveFailures = 0;
  requests = 0;
  errors = 0;
  lastError: string | null = null;
  lastCheckAt: number | null = null;
  latencyMs: number | null = null;
  /**
   * The addresses this engine may be reached at even when private: the admin named it, so its host joins the
   * fetcher's allow-list (a literal IP at once; a host name's addresses as each health check resolves them).
   */
  allow: string[];
  /** Left the configuration: its metrics series are gone and stay gone. */
  private retired = false;
  /** The host when it is a name (its addresses are resolved at each check), undefined for a literal IP. */
  readonly hostName: string | undefined;

  constructor(
    readonly spec: EngineSpec,
    /** From JAN_ENGINE_KEYS; never logged or returned. */
    readonly key: string | undefined,
    private readonly metrics: EngineMetrics,
  ) {
    this.name = spec.name;
    this.baseUrl = spec.url.replace(/\/+$/, '');
    this.listed = spec.models;
    this.stallMs = spec.timeout_ms ?? DEFAULT_STALL_MS;
    const host = new URL(spec.url).hostname;
    const literal = literalAddress(host);
    this.allow = literal === undefined ? [] : [literal];
    this.hostName = literal === undefined ? host : undefined;
    metrics.up.set({ engine: this.name }, 1);
    metrics.inFlight.set({ engine: this.name }, 0);
  }

  /** Same engine, same address and key: a reconfiguration keeps its state. */
  sameAs(spec: EngineSpec, key: string | undefined): boolean {
    return JSON.stringify(spec) === JSON.stringify(this.spec) && key === this.key;
  }

  get models(): readonly string[] {
    return this.listed ?? this.discovered;
  }

  get takesRequests(): boolean {
    return this.state !== 'ejected';
  }

  serves(model: string): boolean {
    return this.models.includes(model);
  }

  started(): void {
    this.inFlight++;
    this.requests++;
    if (this.retired) return;
    this.metrics.requests.inc({ engine: this.name });
    this.metrics.inFlight.inc({ engine: this.name });
  }

  finished(seconds: number): void {
    this.inFlight--;
    if (this.retired) return;
    this.metrics.inFlight.dec({ engine: this.name });
    this.metrics.duration.observe({ engine: this.name }, seconds);
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.setState('healthy');
  }

  /** A failed check or request; the message names what happened, never a key. `counts`: towards ejection. */
  failed(kind: EngineErrorKind, message: string, counts = true): void {
    if (kind !== 'check') this.errors++; // errors_total counts requests; checks show in the failures in a row
    if (!this.retired) this.metrics.errors.inc({ engine: this.name, kind });
    this.lastError = message;
    if (!counts) return;
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= EJECT_AFTER) this.setState('ejected');
  }

  /** Drops its series from the registry (the engine left the configuration); checks and requests still running on it no longer count. */
  forget(): void {
    this.retired = true;
    for (const metric of [this.metrics.requests, this.metrics.inFlight, this.metrics.duration, this.metrics.up]) metric.remove({ engine: this.name });
    for (const kind of ENGINE_ERROR_KINDS) this.metrics.errors.remove({ engine: this.name, kind });
  }

  status(): EngineStatus {
    return {
      object: 'engine',
      name: this.name,
      url: this.baseUrl,
      state: this.state,
      healthy: this.state === 'healthy',
      has_key: this.key !== undefined,
      in_flight: this.inFlight,
      models: [...this.models],
      models_source: this.listed ? 'listed' : 'discovered',
      consecutive_failures: this.consecutiveFailures,
      requests_total: this.requests,
      errors_total: this.errors,
      last_error: this.lastError,
      last_check_at: this.lastCheckAt,
      latency_ms: this.latencyMs,
    };
  }

  private setState(state: EngineStatus['state']): void {
    this.state = state;
    if (!this.retired) this.metrics.up.set({ engine: this.name }, state === 'ejected' ? 0 : 1);
  }
}
