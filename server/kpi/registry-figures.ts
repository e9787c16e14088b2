/**
 * The snapshot's figures that live in the prom-client registry, read by metric name: connections, caches,
 * LLM and database-connection gauges, and counters/histograms as their change over the window. A metric
 * that does not exist gives null (or 0 for a count and [] for a list), never a made-up value.
 */
import type { KpiSnapshot } from '../api/kpi.js';
import { histogramQuantile, sumOf, type RegistryValue, type RegistryWindows } from '../metrics/live-registry.js';

/** Counters and histograms read as a change over the window (sampled by RegistryWindows). */
export const WINDOWED_METRICS = [
  'jan_cache_lookups_total',
  'jan_cache_evictions_total',
  'jan_time_to_first_token_seconds',
  'jan_generation_tokens_per_second',
  'jan_generated_tokens_total',
] as const;

const gaugeSum = async (registry: RegistryWindows, name: string) => {
  const values = await registry.current(name);
  return values.length === 0 ? 0 : Math.max(0, Math.round(sumOf(values, name)));
};

const labelsOf = (values: readonly RegistryValue[], label: string) => new Set(values.map((v) => v.labels[label]).filter((v) => v !== undefined).map(String));

/** Hits, misses and evictions over the window per cache; the ratio from them, else from the gauge (since start). */
export async function cacheFigures(registry: RegistryWindows, windowMs: number): Promise<KpiSnapshot['caches']> {
  const [lookups, evictions, ratios] = await Promise.all([
    registry.delta('jan_cache_lookups_total', windowMs),
    registry.delta('jan_cache_evictions_total', windowMs),
    registry.current('jan_cache_hit_ratio'),
  ]);
  const counted = labelsOf(lookups.values, 'cache');
  const caches = [...new Set([...counted, ...labelsOf(ratios, 'cache')])].sort();
  return caches.map((cache) => {
    const hits = sumOf(lookups.values, 'jan_cache_lookups_total', { cache, result: 'hit' });
    const misses = sumOf(lookups.values, 'jan_cache_lookups_total', { cache, result: 'miss' });
    const gauge = ratios.find((v) => String(v.labels.cache) === cache)?.value;
    const hitRatio = hits + misses > 0 ? hits / (hits + misses) : counted.has(cache) ? null : (gauge ?? null);
    return {
      cache, hit_ratio: hitRatio === null ? null : Math.min(1, Math.max(0, hitRatio)), hits, misses,
      evictions: sumOf(evictions.values, 'jan_cache_evictions_total', { cache }),
    };
  });
}

export async function llmFigures(registry: RegistryWindows, windowMs: number, loadedModels: string[]): Promise<KpiSnapshot['llm']> {
  const [ttft, speed, generated, activeStreams, queueDepth] = await Promise.all([
    registry.delta('jan_time_to_first_token_seconds', windowMs),
    registry.delta('jan_generation_tokens_per_second', windowMs),
    registry.delta('jan_generated_tokens_total', windowMs),
    gaugeSum(registry, 'jan_active_streams'),
    gaugeSum(registry, 'jan_request_queue_depth'),
  ]);
  const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
  const generations = sumOf(speed.values, 'jan_generation_tokens_per_second_count');
  const hasGenerated = registry.has('jan_generated_tokens_total');
  return {
    ttft_p50_ms: ms(histogramQuantile(ttft.values, 'jan_time_to_first_token_seconds', 0.5)),
    ttft_p95_ms: ms(histogramQuantile(ttft.values, 'jan_time_to_first_token_seconds', 0.95)),
    tokens_per_second: generations > 0 ? sumOf(speed.values, 'jan_generation_tokens_per_second_sum') / generations : null,
    generated_tokens_per_second: hasGenerated && generated.spanMs > 0
      ? sumOf(generated.values, 'jan_generated_tokens_total') / (generated.spanMs / 1000)
      : null,
    active_streams: activeStreams,
    queue_depth: queueDepth,
    loaded_models: loadedModels,
  };
}

export async function connectionFigures(registry: RegistryWindows) {
  const [active, inFlight, dbActive, dbIdle] = await Promise.all([
    gaugeSum(registry, 'jan_active_connections'),
    gaugeSum(registry, 'jan_requests_in_flight'),
    gaugeSum(registry, 'jan_db_connections_active'),
    gaugeSum(registry, 'jan_db_connections_idle'),
  ]);
  return { active, inFlight, dbActive, dbIdle };
}
