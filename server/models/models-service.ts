/**
 * Installed and loaded models. Listing reads the models folder (see model-catalog.ts); loading happens on
 * first use or on request, and at most `maxLoaded` models stay in memory.
 *
 * Lifecycle and concurrency rules:
 * - `acquire(id)` returns a lease; a leased model is never unloaded under its holder (leases count requests
 *   between "model resolved" and "generation finished"). Callers release exactly once.
 * - Loads are single-flight per model. Loading another model when `maxLoaded` are in memory first unloads the
 *   least recently used one that no request holds; when every loaded model is in use the request gets 503.
 * - A model with no lease for `idleTtlSeconds` is unloaded (0 = never); `setIdleTtl` overrides that for one
 *   loaded model until it unloads.
 * - Unloading closes the model's schedulers (waiters get 503), waits for running generations, then frees it.
 */
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { ModelLoadError, type InferenceRuntime, type LoadedModel, type LoadOptions } from '../runtime/inference-runtime.js';
import { SlotScheduler } from '../runtime/scheduler.js';
import { modelNotFound, toInferenceError } from './model-errors.js';
import { ModelCatalog, type CatalogEntry } from './model-catalog.js';
import { modelObject, type ModelStatus } from './model-object.js';
import { ModelImporter, type ImportHosts, type ImportProgress, type ImportRequest } from './model-importer.js';

export interface ModelsOptions {
  modelsDir: string;
  runtime: InferenceRuntime;
  metrics: Metrics;
  load: LoadOptions;
  /** Requests waiting for a slot, per model. */
  maxQueue: number;
  maxLoaded: number;
  idleTtlSeconds: number;
  importHosts: ImportHosts;
  logger?: Logger;
  /** False on an API-only replica (`JAN_ROLE=api`): the catalog lists no local model, so none is ever loaded. */
  local?: boolean;
}

interface Resident {
  id: string;
  model: LoadedModel;
  scheduler: SlotScheduler;
  /** Embeddings run on their own context, one request at a time. */
  embedScheduler: SlotScheduler;
  leases: number;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/** setTimeout's longest delay (~24.8 days); a longer idle TTL counts as never. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ModelLease {
  id: string;
  model: LoadedModel;
  scheduler: SlotScheduler;
  embedScheduler: SlotScheduler;
  release(): void;
}

export class ModelsService {
  readonly catalog: ModelCatalog;
  private readonly importer: ModelImporter;
  private readonly resident = new Map<string, Resident>();
  private readonly loading = new Map<string, Promise<Resident>>();
  /** Idle TTLs set for one loaded model (Ollama's `keep_alive`), in seconds; null = never. Dropped at unload. */
  private readonly idleTtls = new Map<string, number | null>();
  private closed = false;

  constructor(private options: ModelsOptions) {
    this.catalog = new ModelCatalog(options.modelsDir, options.runtime, options.local ?? true);
    this.importer = new ModelImporter(this.catalog, options.importHosts);
  }

  /**
   * New figures from Settings: loaded models keep their context, slots, threads and queue until they are
   * unloaded; the next load uses these. The loaded-model cap and the idle TTL count from the next check.
   */
  reconfigure(figures: Pick<ModelsOptions, 'load' | 'maxQueue' | 'maxLoaded' | 'idleTtlSeconds'>): void {
    this.options = { ...this.options, ...figures };
  }

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  private status(id: string): ModelStatus {
    return this.resident.has(id) ? 'loaded' : this.loading.has(id) ? 'loading' : 'unloaded';
  }

  async list() {
    const entries = await this.catalog.list();
    return { object: 'list' as const, data: entries.map((entry) => modelObject(entry, this.status(entry.id))) };
  }

  private async entry(id: string): Promise<CatalogEntry> {
    const entry = await this.catalog.find(id);
    if (!entry) throw modelNotFound(id); // as OpenAI answers, and as a chat request naming it does
    return entry;
  }

  async get(id: string) {
    return modelObject(await this.entry(id), this.status(id));
  }

  /** Resolves a model for a request, loading it if needed. 404 `model_not_found` when it is not installed. */
  async acquire(id: string): Promise<ModelLease> {
    let resident = this.resident.get(id);
    if (!resident) {
      const entry = await this.catalog.find(id);
      if (!entry) throw modelNotFound(id);
      resident = await this.ensureLoaded(entry);
    }
    return this.lease(resident);
  }

  private lease(resident: Resident): ModelLease {
    resident.leases++;
    resident.lastUsed = Date.now();
    clearTimeout(resident.idleTimer);
    let released = false;
    return {
      id: resident.id,
      model: resident.model,
      scheduler: resident.scheduler,
      embedScheduler: resident.embedScheduler,
      release: () => {
        if (released) return;
        released = true;
        resident.leases--;
        resident.lastUsed = Date.now();
        if (resident.leases === 0) this.armIdleTimer(resident);
      },
    };
  }

  /** Seconds an idle model stays loaded (0 = unload at once), null = never. */
  private idleTtl(id: string): number | null {
    const configured = this.options.idleTtlSeconds > 0 ? this.options.idleTtlSeconds : null;
    const ttl = this.idleTtls.has(id) ? this.idleTtls.get(id)! : configured;
    return ttl === null || ttl * 1000 > MAX_TIMER_MS ? null : ttl;
  }

  private armIdleTimer(resident: Resident): void {
    clearTimeout(resident.idleTimer);
    const ttl = this.idleTtl(resident.id);
    if (ttl === null) return;
    resident.idleTimer = setTimeout(() => {
      if (resident.leases === 0 && this.resident.get(resident.id) === resident) {
        this.options.logger?.info({ model: resident.id }, 'unloading idle model');
        void this.unloadResident(resident);
      }
    }, ttl * 1000);
    resident.idleTimer.unref();
  }

  private ensureLoaded(entry: CatalogEntry): Promise<Resident> {
    let pending = this.loading.get(entry.id);
    if (!pending) {
      pending = this.loadResident(entry).finally(() => this.loading.delete(entry.id));
      this.loading.set(entry.id, pending);
    }
    return pending;
  }

  private async loadResident(entry: CatalogEntry): Promise<Resident> {
    if (this.closed) throw new AppError(503, 'service_unavailable_error', 'The server is shutting down.', { code: 'shutting_down', retryAfter: 1 });
    await this.makeRoom(entry.id);
    const started = performance.now();
    let model: LoadedModel;
    try {
      model = await this.options.runtime.load(entry.path, this.options.load);
    } catch (error) {
      const mapped = error instanceof ModelLoadError ? error : toInferenceError(error);
      if (mapped instanceof AppError) throw mapped;
      this.options.logger?.warn({ model: entry.id, err: error }, 'model failed to load');
      throw new AppError(500, 'server_error', `Could not load the model '${entry.id}': ${(error as Error).message}`, { code: 'model_load_failed' });
    }
    const seconds = (performance.now() - started) / 1000;
    this.options.metrics.modelLoadDuration.observe({ model: entry.id }, seconds);
    this.options.logger?.info({ model: entry.id, seconds, slots: model.slotCount, contextSize: model.contextSize }, 'model loaded');
    const onChange = () => this.reportQueues();
    const resident: Resident = {
      id: entry.id,
      model,
      scheduler: new SlotScheduler({ slots: model.slotCount, maxQueue: this.options.maxQueue, onChange }),
      embedScheduler: new SlotScheduler({ slots: 1, maxQueue: this.options.maxQueue, onChange }),
      leases: 0,
      lastUsed: Date.now(),
      idleTimer: undefined,
    };
    this.resident.set(entry.id, resident);
    this.options.metrics.modelsLoaded.set(this.resident.size);
    if (this.closed) await this.unloadResident(resident);
    return resident;
  }

  /** Unloads least recently used idle models until `id` fits beside the loaded and loading ones. */
  private async makeRoom(id: string): Promise<void> {
    const othersLoading = () => [...this.loading.keys()].filter((other) => other !== id).length;
    while (this.resident.size + othersLoading() + 1 > this.options.maxLoaded) {
      const idle = [...this.resident.values()].filter((r) => r.leases === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!idle) {
        throw new AppError(
          503,
          'service_unavailable_error',
          `All ${this.options.maxLoaded} loaded model(s) are in use; another cannot be loaded now (JAN_MAX_LOADED_MODELS). Retry shortly.`,
          { code: 'model_capacity', retryAfter: 5 },
        );
      }
      await this.unloadResident(idle);
    }
  }

  private reportQueues(): void {
    let queued = 0;
    let active = 0;
    for (const r of this.resident.values()) {
      queued += r.scheduler.queued + r.embedScheduler.queued;
      active += r.scheduler.active;
    }
    this.options.metrics.requestQueueDepth.set(queued);
    this.options.metrics.inferenceSlotsBusy.set(active);
  }

  private async unloadResident(resident: Resident): Promise<void> {
    if (this.resident.get(resident.id) !== resident) return;
    this.resident.delete(resident.id);
    this.idleTtls.delete(resident.id);
    clearTimeout(resident.idleTimer);
    resident.scheduler.close();
    resident.embedScheduler.close();
    await Promise.all([resident.scheduler.whenIdle(), resident.embedScheduler.whenIdle()]);
    await resident.model.dispose();
    this.options.metrics.modelsLoaded.set(this.resident.size);
    this.reportQueues();
  }

  async load(id: string) {
    const entry = await this.entry(id);
    const lease = this.lease(this.resident.get(id) ?? (await this.ensureLoaded(entry)));
    lease.release();
    return modelObject(entry, this.status(id));
  }

  /**
   * How long the loaded model `id` stays in memory once idle: seconds (0 = unload as soon as no request holds
   * it), null = never, undefined = the configured idle TTL again. Ignored when the model is not loaded; an idle
   * model's countdown restarts now.
   */
  setIdleTtl(id: string, seconds: number | null | undefined): void {
    const resident = this.resident.get(id);
    if (!resident) return;
    if (seconds === undefined) this.idleTtls.delete(id);
    else this.idleTtls.set(id, seconds);
    if (resident.leases > 0) return;
    resident.lastUsed = Date.now();
    this.armIdleTimer(resident);
  }

  /** The models in memory: their context size and when each unloads if it stays idle (ms since epoch; null = never). */
  loaded(): Array<{ id: string; contextSize: number; expiresAt: number | null }> {
    return [...this.resident.values()].map((r) => {
      const ttl = this.idleTtl(r.id);
      const idleSince = r.leases > 0 ? Date.now() : r.lastUsed;
      return { id: r.id, contextSize: r.model.contextSize, expiresAt: ttl === null ? null : idleSince + ttl * 1000 };
    });
  }

  async unload(id: string) {
    const entry = await this.entry(id);
    await this.loading.get(id)?.catch(() => undefined);
    const resident = this.resident.get(id);
    if (resident) await this.unloadResident(resident);
    return modelObject(entry, this.status(id));
  }

  /** Validates the import (throws 400/409 at once); `run` imports and answers with the new model. */
  async beginImport(request: ImportRequest) {
    const started = await this.importer.begin(request);
    return {
      id: started.id,
      run: async (signal: AbortSignal, onProgress?: (p: ImportProgress) => void) => this.get(await started.run(signal, onProgress)),
    };
  }

  async delete(id: string) {
    const entry = await this.entry(id);
    await this.unload(id);
    // Every part of a split model; one already gone is no error.
    await Promise.all(entry.parts.map((part) => rm(part, { force: true })));
    return { id, object: 'model' as const, deleted: true as const };
  }

  /** Unloads every model (after running generations finish). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.loading.values()]);
    await Promise.all([...this.resident.values()].map((r) => this.unloadResident(r)));
  }
}
