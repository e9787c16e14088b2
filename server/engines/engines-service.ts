/**
 * The remote inference engines of JAN_ENGINES: which models they serve, whether each takes requests, and the
 * proxying of a request for one of their models (engine-forward.ts). A model an engine serves is routed there
 * even when a local file has the same id; every other model stays on the local runtime.
 *
 * Lifecycle: health checks start when the service is made and run every `checkMs` (each engine at most one
 * check at a time); `reconfigure` (Settings, live) keeps the state of engines whose name, URL, key and models
 * are unchanged; `close()` stops the checks. Balancing: least requests in flight, ties taken in turn.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { parseEngineKeys, parseEngineSpecs, type EngineStatusList } from '../api/engines.js';
import { FetchError, type Resolver } from '../net/index.js';
import { checkEngine } from './engine-client.js';
import { noHealthyEngine } from './engine-errors.js';
import { forwardToEngines, type EngineReply } from './engine-forward.js';
import { createEngineMetrics, type EngineMetrics } from './engine-metrics.js';
import { Upstream } from './upstream.js';

export interface EnginesConfig {
  /** JAN_ENGINES' text (already validated by the config schema). */
  engines: string;
  /** JAN_ENGINE_KEYS' text. */
  engineKeys: string;
  engineCheckMs: number;
}

export interface EnginesOptions extends EnginesConfig {
  registry: Registry;
  logger?: Logger;
  /** Name resolution for engine hosts (tests inject one); default the system's. */
  resolver?: Resolver;
}

/** A request that names a model: the four proxied APIs all do. */
export interface ModelRequest {
  model: string;
}

export class EnginesService {
  private upstreams: Upstream[] = [];
  private readonly metrics: EngineMetrics;
  /** The check running on each engine (one at a time). */
  private readonly checking = new Map<Upstream, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private checkMs: number;
  private turn = 0;
  private closed = false;

  constructor(private readonly options: EnginesOptions) {
    this.metrics = createEngineMetrics(options.registry);
    this.checkMs = options.engineCheckMs;
    this.reconfigure(options);
  }

  /** New values from Settings: engines added, removed or changed; unchanged ones keep their state. */
  reconfigure(config: EnginesConfig): void {
    const specs = parseEngineSpecs(config.engines);
    const keys = parseEngineKeys(config.engineKeys);
    if (!specs.ok || !keys.ok) throw new Error('JAN_ENGINES / JAN_ENGINE_KEYS passed the config schema but not the engines service');
    const previous = new Map(this.upstreams.map((u) => [u.name, u]));
    this.upstreams = specs.value.map((spec) => {
      const old = previous.get(spec.name);
      const key = keys.value.get(spec.name);
      if (old?.sameAs(spec, key)) {
        previous.delete(spec.name);
        return old;
      }
      if (old) old.forget();
      previous.delete(spec.name);
      return new Upstream(spec, key, this.metrics);
    });
    for (const gone of previous.values()) gone.forget();
    for (const name of keys.value.keys()) {
      if (!this.upstreams.some((u) => u.name === name)) this.options.logger?.warn({ engine: name }, 'JAN_ENGINE_KEYS names an engine that JAN_ENGINES does not list');
    }
    this.checkMs = config.engineCheckMs;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.upstreams.length > 0 && !this.closed) {
      this.timer = setInterval(() => this.checkAll(), this.checkMs);
      this.timer.unref();
      this.checkAll();
    }
  }

  /** Seconds a client should wait before retrying when no engine can answer: about one check. */
  private get retryAfter(): number {
    return Math.max(1, Math.ceil(this.checkMs / 1000));
  }

  /** Whether `model` is an engine's (listed, or discovered by a check) rather than the local runtime's. */
  serves(model: string): boolean {
    return this.upstreams.some((u) => u.serves(model));
  }

  /**
   * Proxies the request when an engine serves its model; null when none does (the local runtime answers).
   * 503 with Retry-After when every engine serving it is ejected.
   */
  async forward(path: string, body: ModelRequest, signal: AbortSignal): Promise<EngineReply | null> {
    let serving = this.upstreams.filter((u) => u.serves(body.model));
    if (serving.length === 0 && (await this.firstChecks())) serving = this.upstreams.filter((u) => u.serves(body.model));
    if (serving.length === 0) return null;
    const ready = serving.filter((u) => u.takesRequests);
    if (ready.length === 0) throw noHealthyEngine(body.model, serving.map((u) => u.name), this.retryAfter);
    return forwardToEngines(this.order(ready), { path, model: body.model, body, signal, retryAfter: this.retryAfter });
  }

  /** Least in flight first; among equals, a different one first each time (round robin). */
  private order(ready: Upstream[]): Upstream[] {
    const start = this.turn++ % ready.length;
    const rotated = [...ready.slice(start), ...ready.slice(0, start)];
    return rotated.sort((a, b) => a.inFlight - b.inFlight); // stable: ties keep the rotation
  }

  /** The engines' models as `/v1/models` lists them (`owned_by` the engine), each id once. */
  modelObjects() {
    const seen = new Map<string, { id: string; object: 'model'; created: number; owned_by: string; status: 'loaded' | 'unloaded'; size_bytes: number; architecture: null; parameters: null; quantization: null; context_length: null }>();
    for (const u of this.upstreams) {
      for (const id of u.models) {
        const existing = seen.get(id);
        if (existing && (existing.status === 'loaded' || !u.takesRequests)) continue;
        seen.set(id, {
          id, object: 'model', created: 0, owned_by: u.name, status: u.takesRequests ? 'loaded' : 'unloaded',
          size_bytes: 0, architecture: null, parameters: null, quantization: null, context_length: null,
        });
      }
    }
    return [...seen.values()];
  }

  /** `/v1/models` with the engines' models: a local model of the same id gives way (requests go to the engine). */
  withEngineModels<M extends { id: string }>(list: { object: 'list'; data: M[] }) {
    const remote = this.modelObjects();
    if (remote.length === 0) return list;
    const ids = new Set(remote.map((m) => m.id));
    return { object: 'list' as const, data: [...list.data.filter((m) => !ids.has(m.id)), ...remote] };
  }

  /** One engine model's object, or undefined when no engine serves it. */
  modelObject(id: string) {
    return this.modelObjects().find((m) => m.id === id);
  }

  status(): EngineStatusList {
    return { object: 'list', data: this.upstreams.map((u) => u.status()), check_interval_ms: this.checkMs };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private checkAll(): void {
    for (const upstream of this.upstreams) void this.check(upstream);
  }

  /**
   * Just after start (or a reconfiguration) an engine whose models are discovered has not said yet what it
   * serves: a request for a model nobody lists waits for those first checks (bounded by their timeout) rather
   * than going to the local runtime and a 404. True when it waited.
   */
  private async firstChecks(): Promise<boolean> {
    const pending = this.upstreams.filter((u) => u.lastCheckAt === null && !u.listed)
      .map((u) => this.checking.get(u)).filter((p): p is Promise<void> => p !== undefined);
    if (pending.length === 0) return false;
    await Promise.all(pending);
    return true;
  }

  private check(upstream: Upstream): Promise<void> {
    if (this.closed) return Promise.resolve();
    let running = this.checking.get(upstream);
    if (!running) {
      running = this.runCheck(upstream).finally(() => this.checking.delete(upstream));
      this.checking.set(upstream, running);
    }
    return running;
  }

  private async runCheck(upstream: Upstream): Promise<void> {
    const started = performance.now();
    try {
      const models = await checkEngine(upstream, this.options.resolver);
      upstream.latencyMs = Math.round((performance.now() - started) * 10) / 10;
      upstream.discovered = models;
      const wasEjected = upstream.state === 'ejected';
      upstream.succeeded();
      if (wasEjected) this.options.logger?.info({ engine: upstream.name }, 'engine healthy again');
    } catch (error) {
      const wasEjected = upstream.state === 'ejected';
      upstream.failed('check', `health check: ${error instanceof FetchError ? error.detail : error instanceof Error ? error.message : String(error)}`);
      if (!wasEjected && upstream.state === 'ejected') this.options.logger?.warn({ engine: upstream.name, error: upstream.lastError }, 'engine ejected');
    } finally {
      upstream.lastCheckAt = Math.floor(Date.now() / 1000);
    }
  }
}
