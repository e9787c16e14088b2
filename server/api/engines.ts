/**
 * Remote inference engines: the shape of one upstream in `JAN_ENGINES` (the config option validates with it,
 * and server/engines/ reads it back), and `GET /v1/admin/engines`. Keys are never part of either: they come
 * from the secret option `JAN_ENGINE_KEYS` and no answer carries them.
 */
import { z } from 'zod';

export const EngineName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, `_`, `.` or `-`');

const EngineUrl = z.string().url().refine((raw) => {
  const url = new URL(raw);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}, 'must be an http(s) base URL without credentials, query or fragment (e.g. `http://10.0.0.5:8080`; a key goes in JAN_ENGINE_KEYS)');

/** One upstream: its name (metrics label, `owned_by`), its base URL (`/v1/...` is appended) and, optionally, its models. */
export const EngineSpec = z.object({
  name: EngineName,
  url: EngineUrl,
  /** The model ids it serves; absent: discovered from its `GET /v1/models` at every health check. */
  models: z.array(z.string().min(1).max(256)).min(1).max(1000).optional(),
  /**
   * Ms the engine may stay silent — for the headers of a non-streamed answer (the whole generation), or between
   * two chunks of a stream — before the request counts as failed. Default 60000 (the request timeout's cap).
   */
  timeout_ms: z.number().int().min(100).max(600_000).optional(),
}).strict();
export type EngineSpec = z.infer<typeof EngineSpec>;

export const EngineSpecList = z.array(EngineSpec).max(64).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((spec, i) => {
    if (seen.has(spec.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the name '${spec.name}' is used twice` });
    seen.add(spec.name);
  });
});

/** A readable reason per problem (`[0].url: must be …`), for the configuration error. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => {
    const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    const hint = issue.code === 'unrecognized_keys' && issue.keys.some((k) => /key|token|secret/i.test(k))
      ? ' (keys go in JAN_ENGINE_KEYS, a secret option never stored or shown)'
      : '';
    return `${where || 'value'}: ${issue.message}${hint}`;
  }).join('; ');
}

/** `JAN_ENGINES`' raw text → the upstreams (empty text: none), or the reasons it is refused. */
export function parseEngineSpecs(raw: string): { ok: true; value: EngineSpec[] } | { ok: false; message: string } {
  if (raw.trim() === '') return { ok: true, value: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, message: `must be a JSON array of engines (${(error as Error).message})` };
  }
  const parsed = EngineSpecList.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeIssues(parsed.error) };
}

/** `JAN_ENGINE_KEYS`' raw text (`name=key,name=key`) → key by engine name, or why it is refused (never echoing a key). */
export function parseEngineKeys(raw: string): { ok: true; value: Map<string, string> } | { ok: false; message: string } {
  const keys = new Map<string, string>();
  for (const [i, part] of raw.split(',').map((p) => p.trim()).filter((p) => p !== '').entries()) {
    const eq = part.indexOf('=');
    const name = eq === -1 ? '' : part.slice(0, eq).trim();
    const value = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!EngineName.safeParse(name).success || value === '') return { ok: false, message: `entry ${i + 1} must be \`engine-name=key\`` };
    if (keys.has(name)) return { ok: false, message: `the engine '${name}' has two keys` };
    keys.set(name, value);
  }
  return { ok: true, value: keys };
}

export const EngineStatus = z.object({
  object: z.literal('engine'),
  name: z.string(),
  /** The base URL as configured (it never holds credentials). */
  url: z.string(),
  /** `healthy` takes requests; `ejected` failed its last checks or requests in a row; `unknown` before the first check. */
  state: z.enum(['healthy', 'ejected', 'unknown']),
  healthy: z.boolean(),
  /** Whether a key from JAN_ENGINE_KEYS is sent (the key itself never is shown). */
  has_key: z.boolean(),
  in_flight: z.number().int(),
  models: z.array(z.string()),
  /** `listed` in JAN_ENGINES, or `discovered` from the engine's `/v1/models`. */
  models_source: z.enum(['listed', 'discovered']),
  consecutive_failures: z.number().int(),
  requests_total: z.number().int(),
  /** Failed requests (health checks that failed show in `consecutive_failures` and `last_error`). */
  errors_total: z.number().int(),
  last_error: z.string().nullable(),
  /** Unix seconds of the last health check, null before the first. */
  last_check_at: z.number().int().nullable(),
  /** The last health check's round trip, in ms. */
  latency_ms: z.number().nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const EngineStatusList = z.object({
  object: z.literal('list'),
  data: z.array(EngineStatus),
  /** Ms between health checks (JAN_ENGINE_CHECK_MS). */
  check_interval_ms: z.number().int(),
});
export type EngineStatusList = z.infer<typeof EngineStatusList>;
