/**
 * The Performance & SLA Guide's targets as data: the production SLA and one row per API endpoint
 * ("Performance Targets"), keyed by our method + route template (the same template the metrics label
 * requests with, e.g. `GET /v1/conversations/:id`). The numbers are encoded here so that the product never
 * needs the guide itself; the dashboard and `npm run bench` compare measurements against them.
 *
 * Pure data plus lookups. Endpoints we have not built yet are here too, so the table is complete.
 */

export type SlaMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Latency percentiles in milliseconds. */
export interface LatencyTargetsMs {
  p50: number;
  p95: number;
  p99: number;
}

/** A range as the guide gives it ("50-100 RPS", "500-1,000ms"); a single figure has min === max. */
export interface Range {
  min: number;
  max: number;
}

/** Which form of a route a row is about, where the guide gives one route several rows. */
export type SlaVariant = 'default' | 'stream';

export interface EndpointSlaTarget {
  method: SlaMethod;
  /** Our route template (@koa/router syntax). */
  route: string;
  variant: SlaVariant;
  /** How the guide names it. */
  title: string;
  /** Absent where the guide gives no percentiles (streaming chat completions). */
  latencyMs?: LatencyTargetsMs;
  /** Requests per second the endpoint should sustain. */
  throughputRps: Range;
  /** Time to first byte in milliseconds (streaming only). */
  ttfbMs?: Range;
  /** Time until the whole response is sent, in milliseconds (streaming only). */
  totalMs?: Range;
  /** What the guide says the figures depend on or apply to. */
  notes?: string;
}

/** The production SLA ("Service Level Agreements"). */
export const GLOBAL_SLA = {
  latencyMs: { p50: 100, p95: 500, p99: 1_000 } satisfies LatencyTargetsMs,
  /** Highest share of requests answered with a 5xx status (0.5 %). */
  maxErrorRate: 0.005,
  /** Measured monthly, scheduled maintenance excluded (~3.6 h of downtime a month). */
  availability: 0.995,
  uptime: 0.995,
  dataDurability: 0.9999,
} as const;

/** Uploads above this size should use the resumable upload (tus), with these limits. */
export const LARGE_UPLOAD = {
  minBytes: 100 * 1024 * 1024,
  timeoutMs: 5 * 60_000,
  resumeWindowMs: 24 * 3_600_000,
} as const;

const rps = (min: number, max = min): Range => ({ min, max });
const ms = (p50: number, p95: number, p99: number): LatencyTargetsMs => ({ p50, p95, p99 });

export const ENDPOINT_SLA_TARGETS: readonly EndpointSlaTarget[] = [
  // Health & Status
  { method: 'GET', route: '/v1/health', variant: 'default', title: 'Health', latencyMs: ms(5, 10, 50), throughputRps: rps(10_000) },

  // Conversation Operations
  {
    method: 'GET', route: '/v1/conversations', variant: 'default', title: 'List conversations',
    latencyMs: ms(50, 150, 300), throughputRps: rps(1_000), notes: 'pagination size, number of conversations',
  },
  { method: 'POST', route: '/v1/conversations', variant: 'default', title: 'Create conversation', latencyMs: ms(100, 300, 500), throughputRps: rps(500) },
  { method: 'GET', route: '/v1/conversations/:id', variant: 'default', title: 'Get conversation', latencyMs: ms(20, 50, 100), throughputRps: rps(5_000) },
  { method: 'PATCH', route: '/v1/conversations/:id', variant: 'default', title: 'Update conversation', latencyMs: ms(80, 200, 400), throughputRps: rps(500) },

  // Message Operations
  {
    method: 'GET', route: '/v1/conversations/:id/items', variant: 'default', title: 'List items',
    latencyMs: ms(80, 250, 500), throughputRps: rps(800), notes: 'conversation size (message count)',
  },
  { method: 'POST', route: '/v1/conversations/:id/items', variant: 'default', title: 'Add items', latencyMs: ms(150, 400, 800), throughputRps: rps(400) },
  {
    method: 'DELETE', route: '/v1/conversations/:id/items/:item_id', variant: 'default', title: 'Delete item',
    latencyMs: ms(100, 300, 600), throughputRps: rps(400),
  },

  // LLM Chat Completion
  {
    method: 'POST', route: '/v1/chat/completions', variant: 'default', title: 'Chat completion (non-streaming)',
    latencyMs: ms(2_000, 5_000, 10_000), throughputRps: rps(50, 100), notes: 'model, prompt length, max_tokens (model dependent)',
  },
  {
    method: 'POST', route: '/v1/chat/completions', variant: 'stream', title: 'Chat completion (streaming)',
    throughputRps: rps(20, 50), ttfbMs: { min: 500, max: 1_000 }, totalMs: { min: 5_000, max: 30_000 },
  },

  // Media Operations
  {
    method: 'POST', route: '/v1/media/upload', variant: 'default', title: 'Media upload (small files)',
    latencyMs: ms(500, 2_000, 5_000), throughputRps: rps(50), notes: 'files under 10 MB; above 100 MB use the resumable upload (LARGE_UPLOAD)',
  },
  {
    method: 'POST', route: '/v1/media/files/:id/extract-text', variant: 'default', title: 'Extract text (OCR)',
    latencyMs: ms(2_000, 5_000, 10_000), throughputRps: rps(20),
  },

  // Response API
  {
    method: 'POST', route: '/v1/response/analyze-sentiment', variant: 'default', title: 'Analyze sentiment',
    latencyMs: ms(500, 1_500, 3_000), throughputRps: rps(100),
  },
  {
    method: 'POST', route: '/v1/response/generate-summary', variant: 'default', title: 'Generate summary',
    latencyMs: ms(1_000, 3_000, 6_000), throughputRps: rps(50),
  },
  {
    method: 'POST', route: '/v1/response/analyze-content', variant: 'default', title: 'Analyze content',
    latencyMs: ms(1_500, 4_000, 8_000), throughputRps: rps(30),
  },
];

/** A stable display key: `GET /v1/conversations/:id`, or `POST /v1/chat/completions (stream)` for a variant. */
export function slaKey(method: string, route: string, variant: SlaVariant = 'default'): string {
  const key = `${method.toUpperCase()} ${route}`;
  return variant === 'default' ? key : `${key} (${variant})`;
}

/** The guide's targets for a route template, or undefined when the guide sets none for it. */
export function slaTargetFor(method: string, route: string, variant: SlaVariant = 'default'): EndpointSlaTarget | undefined {
  const upper = method.toUpperCase();
  return ENDPOINT_SLA_TARGETS.find((t) => t.method === upper && t.route === route && t.variant === variant);
}
