/** Fixture data and a fake server for component tests (the product itself never uses these). */
import type { KpiSnapshot, SlaReport } from '../api/index.js';

export function snapshot(overrides: Partial<KpiSnapshot> = {}, at = 1_767_000_000_000): KpiSnapshot {
  return {
    at,
    window: '1m',
    uptime_seconds: 3725,
    totals: {
      count: 1200, rps: 20, p50_ms: 3.2, p95_ms: 41, p99_ms: 120, mean_ms: 8.5, max_ms: 310, errors_4xx: 12, errors_5xx: 3,
      availability: 0.9975, error_rate: 0.0025,
    },
    routes: [
      { method: 'GET', route: '/v1/conversations', count: 900, rps: 15, p50_ms: 2.1, p95_ms: 9.5, p99_ms: 30, mean_ms: 3, max_ms: 44, errors_4xx: 0, errors_5xx: 0 },
      { method: 'POST', route: '/v1/chat/completions', count: 300, rps: 5, p50_ms: 800, p95_ms: 2400, p99_ms: 3900, mean_ms: 950, max_ms: 4100, errors_4xx: 12, errors_5xx: 3 },
    ],
    status_codes: { '200': 1185, '404': 12, '503': 3 },
    latency_histogram: { le_ms: [5, 10, 50, 100, 500, null], counts: [700, 150, 50, 0, 200, 100] },
    connections: { active: 4, in_flight: 2 },
    caches: [{ cache: 'prompt', hit_ratio: 0.82, hits: 82, misses: 18, evictions: 4 }],
    llm: { ttft_p50_ms: 180, ttft_p95_ms: 420, tokens_per_second: 31.5, generated_tokens_per_second: 58.2, active_streams: 2, queue_depth: 1, loaded_models: ['tiny-llama'] },
    database: {
      query_p50_ms: 0.05, query_p95_ms: 0.4, query_p99_ms: 1.2, queries_per_second: 140, connections_active: 1, connections_idle: 0,
      size_bytes: 2_400_000, slow_queries: [{ operation: 'items.list', ms: 55, at }],
    },
    resources: {
      cpu_percent: 12.5, cpu_count: 2, load_average_1m: 0.8, memory_rss_bytes: 180 * 1024 ** 2, memory_total_bytes: 8 * 1024 ** 3, memory_free_bytes: 3 * 1024 ** 3,
      heap_used_bytes: 60 * 1024 ** 2, event_loop_delay_p99_ms: 11, disk_free_bytes: 50 * 1024 ** 3, disk_total_bytes: 100 * 1024 ** 3,
      network_rx_bytes_per_second: null, network_tx_bytes_per_second: null, accept_backlog: 0,
    },
    ...overrides,
  };
}

export function slaReport(): SlaReport {
  const target = { p50_ms: 50, p95_ms: 150, p99_ms: 300, rps_min: 100, rps_max: 1000 };
  // A variable, not an inline literal: it type-checks whether or not the server's schema has the uptime and
  // requests breakdown yet (it is being added alongside this change).
  const availability = {
    target: 0.995, month_to_date: 0.9991, error_budget_remaining: 0.82,
    uptime: { ratio: 0.9995, observed_seconds: 864_000, downtime_seconds: 432, maintenance_seconds: 0, incidents: 1 },
    requests: { ratio: 0.9996, count: 10_000, errors_5xx: 4 },
  };
  const live = (p50: number, p95: number, p99: number) => ({ count: 100, rps: 12, p50_ms: p50, p95_ms: p95, p99_ms: p99, mean_ms: p50, max_ms: p99, errors_4xx: 0, errors_5xx: 0 });
  return {
    window: '5m',
    endpoints: [
      { method: 'GET', route: '/v1/conversations', label: 'List conversations', target, live: live(10, 40, 90), state: 'ok' },
      { method: 'GET', route: '/v1/conversations/:id', label: 'Get conversation', target, live: live(20, 200, 250), state: 'warn' },
      { method: 'POST', route: '/v1/conversations', label: 'Create conversation', target, live: live(80, 400, 900), state: 'breach' },
      { method: 'GET', route: '/v1/health', label: 'Health check', target: { ...target, rps_max: null }, live: null, state: 'idle' },
    ],
    availability,
    daily_peak_rps: [{ day: '2026-11-27', peak_rps: 140 }],
    top_slow_endpoints: [{ method: 'POST', route: '/v1/conversations', p95_ms: 400, requests: 1234 }],
  };
}

export type Handler = (request: { method: string; path: string; query: URLSearchParams; body: unknown; signal?: AbortSignal | null }) => unknown;

/** A fetch that answers from `routes` ("GET /v1/models" → handler); a handler may return a Response. */
export function fakeFetch(routes: Record<string, Handler>, calls: string[] = []): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input), 'http://dashboard.test');
    const method = init?.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    calls.push(key);
    const handler = routes[key];
    if (!handler) {
      return new Response(JSON.stringify({ error: { message: `no fixture for ${key}`, type: 'not_found_error', param: null, code: null } }), { status: 404 });
    }
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const result = await handler({ method, path: url.pathname, query: url.searchParams, body, signal: init?.signal });
    if (result instanceof Response) return result;
    return result === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(result), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

/** An SSE answer whose chunks are written by `write` (resolve the returned `release()` to let it go on). */
export function sseResponse(frames: string[], opts: { holdAfter?: number; signal?: AbortSignal | null } = {}): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < frames.length; i++) {
        if (opts.holdAfter !== undefined && i === opts.holdAfter) {
          await new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));
          controller.error(new DOMException('aborted', 'AbortError'));
          return;
        }
        controller.enqueue(encoder.encode(`data: ${frames[i]}\n\n`));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      controller.close();
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

export const capabilities = (...paths: string[]) => ({ has: (method: string, path: string) => paths.includes(`${method} ${path}`) });
