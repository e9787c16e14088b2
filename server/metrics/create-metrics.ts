/**
 * One prom-client registry per server (never the global default), holding every metric of DESIGN.md that
 * exists so far. Created in start-server.ts and passed down.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LiveWindows } from './live-windows.js';
import { RequestFigures } from './request-figures.js';

/** Buckets spanning the guide's targets, from health (5 ms p50) to chat (10 s p99). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** A store operation this slow counts in `jan_db_slow_queries_total` (the guide's "Slow Queries" panel). */
export const SLOW_QUERY_SECONDS = 0.1;
const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5];
/** Uploads and OCR: from a small file (50 ms) to a long PDF or a large resumable upload (10 min). */
const SLOW_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600];
/** Time to first token: the guide's chat targets are in seconds; a warm small model answers in tens of ms. */
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];
/** Tokens per second of one generation, from a large CPU-bound model to a tiny one. */
const SPEED_BUCKETS = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000];

export interface MetricsOptions {
  /** Reports whether the database connection is open (for the connection gauges). */
  databaseOpen?: () => boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jan_' });
  // prom-client also exports these three gauges with a `_total` suffix (kept for old dashboards), which
  // `promtool check metrics` rejects for a gauge; the same figures stay under the names without it.
  for (const name of ['jan_nodejs_active_handles_total', 'jan_nodejs_active_requests_total', 'jan_nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const databaseOpen = options.databaseOpen ?? (() => false);
  const cacheLookups = new Counter({
    name: 'jan_cache_lookups_total', help: 'Cache lookups, by cache and result (hit, miss).',
    labelNames: ['cache', 'result'] as const, registers,
  });
  return {
    registry,
    /** The dashboard's sliding windows, fed where the registry is (request middleware, store observer). */
    live: new LiveWindows(),
    /** jan_requests_total, jan_request_duration_seconds, jan_errors_total, jan_requests_in_flight (see request-figures.ts). */
    requests: new RequestFigures(registers, LATENCY_BUCKETS),
    activeConnections: new Gauge({ name: 'jan_active_connections', help: 'Open TCP connections.', registers }),
    dbQueryDuration: new Histogram({
      name: 'jan_db_query_duration_seconds', help: 'Time of each store operation.',
      labelNames: ['operation'] as const, buckets: QUERY_BUCKETS, registers,
    }),
    // The SQLite driver is synchronous with one connection: it is never seen busy from the event loop,
    // so "active" is 0 and "idle" is 1 while the database is open.
    dbConnectionsActive: new Gauge({
      name: 'jan_db_connections_active', help: 'Database connections running a query.', registers,
      collect() { this.set(0); },
    }),
    dbUp: new Gauge({
      name: 'jan_db_up', help: '1 while the database connection (SQLite file or PostgreSQL pool) is open, else 0.', registers,
      collect() { this.set(databaseOpen() ? 1 : 0); },
    }),
    dbSlowQueries: new Counter({
      name: 'jan_db_slow_queries_total', help: `Store operations that took ${SLOW_QUERY_SECONDS * 1000} ms or longer, by operation.`,
      labelNames: ['operation'] as const, registers,
    }),
    dbConnectionsIdle: new Gauge({
      name: 'jan_db_connections_idle', help: 'Open database connections not running a query.', registers,
      collect() { this.set(databaseOpen() ? 1 : 0); },
    }),
    // Media and OCR
    uploadBytes: new Counter({
      name: 'jan_upload_bytes_total', help: 'Bytes of files stored, by how they came (upload, tus, data_url, remote_url, presigned).',
      labelNames: ['source'] as const, registers,
    }),
    uploadDuration: new Histogram({
      name: 'jan_upload_duration_seconds', help: 'Time to receive and store one file, by how it came (tus: from creation to the last byte).',
      labelNames: ['source'] as const, buckets: SLOW_BUCKETS, registers,
    }),
    mediaStorageBytes: new Gauge({ name: 'jan_media_storage_bytes', help: 'Bytes of media on disk (identical content counted once).', registers }),
    ocrDuration: new Histogram({
      name: 'jan_ocr_duration_seconds', help: 'Time to extract the text of one file (cache misses only), by kind (image, pdf, text).',
      labelNames: ['kind'] as const, buckets: SLOW_BUCKETS, registers,
    }),
    ocrPages: new Counter({
      name: 'jan_ocr_pages_total', help: 'Pages whose text was extracted, by source (text-layer, ocr).',
      labelNames: ['source'] as const, registers,
    }),
    ocrQueueDepth: new Gauge({ name: 'jan_ocr_queue_depth', help: 'Pages waiting for an OCR worker.', registers }),
    cacheLookups,
    cacheHitRatio: new Gauge({
      name: 'jan_cache_hit_ratio', help: 'Hits over lookups since start, by cache (e.g. ocr).', labelNames: ['cache'] as const, registers,
      async collect() {
        const totals = new Map<string, { hit: number; all: number }>();
        for (const { labels, value } of (await cacheLookups.get()).values) {
          const entry = totals.get(String(labels.cache)) ?? { hit: 0, all: 0 };
          entry.all += value;
          if (labels.result === 'hit') entry.hit += value;
          totals.set(String(labels.cache), entry);
        }
        for (const [cache, { hit, all }] of totals) this.set({ cache }, all === 0 ? 0 : hit / all);
      },
    }),
    // Local inference (the prompt cache's hits and misses are counted in tokens in jan_cache_lookups_total{cache="prompt"})
    requestQueueDepth: new Gauge({ name: 'jan_request_queue_depth', help: 'Inference requests waiting for a free sequence of their model.', registers }),
    inferenceSlotsBusy: new Gauge({ name: 'jan_inference_slots_busy', help: 'Sequences (slots) generating now, over all loaded models.', registers }),
    activeStreams: new Gauge({ name: 'jan_active_streams', help: 'Server-sent event streams open now.', registers }),
    timeToFirstToken: new Histogram({
      name: 'jan_time_to_first_token_seconds', help: 'From the request to its first generated token (queue and model load included), by model.',
      labelNames: ['model'] as const, buckets: TTFT_BUCKETS, registers,
    }),
    tokensPerSecond: new Histogram({
      name: 'jan_generation_tokens_per_second', help: 'Generation speed of each request after its first token, by model.',
      labelNames: ['model'] as const, buckets: SPEED_BUCKETS, registers,
    }),
    // Continuous batching: how many generations share each decode step (mean = sum / count).
    decodeBatchSequences: new Histogram({
      name: 'jan_llama_decode_batch_sequences', help: 'Generations advanced together in one batched decode step (its count is the number of steps).',
      buckets: [1, 2, 3, 4, 6, 8, 12, 16], registers,
    }),
    promptTokens: new Counter({ name: 'jan_prompt_tokens_total', help: 'Prompt tokens of inference requests (cached or evaluated), by model.', labelNames: ['model'] as const, registers }),
    promptCachedTokens: new Counter({
      name: 'jan_prompt_cached_tokens_total', help: 'Prompt tokens reused from a sequence\'s KV cache instead of evaluated, by model.',
      labelNames: ['model'] as const, registers,
    }),
    generatedTokens: new Counter({ name: 'jan_generated_tokens_total', help: 'Tokens generated, by model.', labelNames: ['model'] as const, registers }),
    generations: new Counter({
      name: 'jan_generations_total', help: 'Finished generations, by model and finish reason (stop, length, tool_calls, aborted, error).',
      labelNames: ['model', 'finish_reason'] as const, registers,
    }),
    modelLoadDuration: new Histogram({
      name: 'jan_model_load_duration_seconds', help: 'Time to load a model into memory, by model.', labelNames: ['model'] as const, buckets: SLOW_BUCKETS, registers,
    }),
    modelsLoaded: new Gauge({ name: 'jan_models_loaded', help: 'Models in memory now.', registers }),
    // Limits, response cache, maintenance jobs
    limitSoftExceeded: new Counter({
      name: 'jan_limit_soft_exceeded_total', help: 'Requests or connections served beyond a soft limit, by limit (rate, connections, streams, queue).',
      labelNames: ['limit'] as const, registers,
    }),
    limitRejections: new Counter({
      name: 'jan_limit_rejections_total', help: 'Requests or connections refused at a hard limit (429 or 503), by limit (rate, connections, streams, queue).',
      labelNames: ['limit'] as const, registers,
    }),
    cacheEvictions: new Counter({
      name: 'jan_cache_evictions_total', help: 'Entries dropped to make room (not invalidations), by cache.', labelNames: ['cache'] as const, registers,
    }),
    cacheInvalidations: new Counter({
      name: 'jan_cache_invalidations_total', help: 'Entries dropped because what they hold was written, by cache.', labelNames: ['cache'] as const, registers,
    }),
    cacheBytes: new Gauge({ name: 'jan_cache_bytes', help: 'Bytes held, by cache.', labelNames: ['cache'] as const, registers }),
    jobRuns: new Counter({
      name: 'jan_job_runs_total', help: 'Maintenance job runs, by job and result (succeeded, failed, interrupted).',
      labelNames: ['job', 'result'] as const, registers,
    }),
    jobLastSuccess: new Gauge({
      name: 'jan_job_last_success_timestamp_seconds', help: 'When each maintenance job last succeeded (Unix seconds).',
      labelNames: ['job'] as const, registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
