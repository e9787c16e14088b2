/**
 * The HTTP calls to one engine, all through server/net's guarded fetcher with the engine's host on its
 * allow-list: a proxied POST, and the health check (`GET /v1/models`, which also names the models it serves).
 * Timeouts keep every call bounded: the connection within CONNECT_TIMEOUT_MS, then no more than the engine's
 * `stallMs` without a byte (a non-streamed generation sends its headers only when it is done).
 */
import type { Readable } from 'node:stream';
import { sendApiRequest, systemResolver, type ApiResponse, type Resolver } from '../net/index.js';
import type { Upstream } from './upstream.js';

export const CONNECT_TIMEOUT_MS = 5_000;
const HEALTH_TIMEOUT_MS = 5_000;
/** A whole non-streamed answer (embeddings of many inputs are the largest). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
export const MAX_ERROR_BYTES = 64 * 1024;

function headers(upstream: Upstream, extra: Record<string, string>): Record<string, string> {
  return { ...extra, ...(upstream.key !== undefined && { authorization: `Bearer ${upstream.key}` }) };
}

/** POSTs `body` to `/v1/<path>` of the engine; any status comes back (the caller decides). */
export function postToEngine(upstream: Upstream, path: string, body: unknown, signal: AbortSignal, resolver?: Resolver): Promise<ApiResponse> {
  return sendApiRequest(`${upstream.baseUrl}/v1/${path}`, {
    method: 'POST', policy: 'public', allow: upstream.allow, resolver,
    headers: headers(upstream, { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
    body: JSON.stringify(body),
    connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: upstream.stallMs, maxBytes: MAX_JSON_BYTES, signal,
  });
}

/** Reads a body whole as text; more than `max` bytes fails (the fetcher's cap counts too). */
export async function readText(body: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new Error(`the answer is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One health check: refreshes the addresses a host name resolves to (the allow-list entry the admin's naming
 * of it grants), then asks `/v1/models`. Resolves with the model ids it lists; throws on any failure.
 */
export async function checkEngine(upstream: Upstream, resolver: Resolver = systemResolver): Promise<string[]> {
  if (upstream.hostName !== undefined) upstream.allow = (await resolver(upstream.hostName, 0)).map((entry) => entry.address);
  const timeoutMs = Math.min(HEALTH_TIMEOUT_MS, upstream.stallMs);
  const response = await sendApiRequest(`${upstream.baseUrl}/v1/models`, {
    method: 'GET', policy: 'public', allow: upstream.allow, resolver,
    headers: headers(upstream, { accept: 'application/json' }),
    connectTimeoutMs: timeoutMs, stallTimeoutMs: timeoutMs, maxBytes: MAX_ERROR_BYTES * 16,
  });
  const text = await readText(response.body, MAX_ERROR_BYTES * 16);
  if (response.status !== 200) throw new Error(`GET /v1/models answered HTTP ${response.status}`);
  const list = JSON.parse(text) as { data?: Array<{ id?: unknown }> };
  if (!Array.isArray(list.data)) throw new Error('GET /v1/models did not answer a model list');
  return list.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
