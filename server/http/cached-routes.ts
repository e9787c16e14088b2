/**
 * Which routes the response cache serves and with which tags, and how a cached route answers: from the
 * cache, or through its handler and into the cache; with an `ETag` either way, and `304 Not Modified` when
 * the client's `If-None-Match` still matches. Entries are per user (the key starts with the user id), and
 * the store announces each committed write and the cache drops the tags it made stale (server/cache/store-invalidation.ts).
 *
 * Only the routes where the cache measurably beats SQLite are here (see the report of test/load/cache-bench.ts).
 */
import { cacheTags, type CachedResponse, type ResponseCache } from '../cache/index.js';
import type { AppContext } from './types.js';

export interface CachePolicy {
  /** What the response is computed from; a write to any of these drops it. */
  tags(userId: string, params: Record<string, string>): string[];
}

/** Keyed by `METHOD template`, as in the route table. */
export const CACHED_ROUTES: ReadonlyMap<string, CachePolicy> = new Map<string, CachePolicy>([
  ['GET /v1/conversations', { tags: (userId) => [cacheTags.conversationList(userId)] }],
  ['GET /v1/conversations/:id', { tags: (userId, params) => [cacheTags.conversation(userId, params.id!)] }],
  ['GET /v1/conversations/:id/items', { tags: (userId, params) => [cacheTags.conversation(userId, params.id!)] }],
]);

const SIMPLE_QUERY = /^[\w.-]+=[\w.-]*$/;

/** The user, the path and the query with its parameters sorted (so `?a=1&b=2` and `?b=2&a=1` share an entry). */
export function cacheKey(userId: string, ctx: AppContext): string {
  // No query, or one parameter of plain characters: already in the form sorting and re-encoding would give.
  const raw = ctx.querystring;
  if (raw === '' || SIMPLE_QUERY.test(raw)) return `${userId} ${ctx.path}?${raw}`;
  const query = new URLSearchParams(raw);
  query.sort();
  return `${userId} ${ctx.path}?${query.toString()}`;
}

/** Weak comparison (RFC 9110 §13.1.2): `If-None-Match` lists validators, or is `*`. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value.replace(/^W\//, '') === bare;
  });
}

function respond(ctx: AppContext, response: CachedResponse): void {
  // Headers set on the response directly: Koa's ctx.set and ctx.type allocate and look up the MIME table per call.
  ctx.res.setHeader('ETag', response.etag);
  // Clients may keep it but must ask again each time (a write can change it at any moment).
  ctx.res.setHeader('Cache-Control', 'private, no-cache');
  if (etagMatches(ctx.req.headers['if-none-match'] ?? '', response.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.res.setHeader('Content-Type', 'application/json; charset=utf-8');
  ctx.body = response.body;
}

/**
 * Answers a cached route. `handle` runs only on a miss; when it returns a body (not `undefined`), that body
 * is serialized, cached and sent. Returns `undefined`: the response is set on `ctx`.
 */
export async function serveCached(
  ctx: AppContext,
  cache: ResponseCache,
  policy: CachePolicy,
  userId: string,
  handle: () => unknown,
): Promise<undefined> {
  const key = cacheKey(userId, ctx);
  const hit = cache.lookup(key);
  if (hit) {
    respond(ctx, hit);
    return undefined;
  }
  const token = cache.begin();
  let result: unknown;
  try {
    result = await handle();
  } catch (error) {
    cache.abandon(token);
    throw error;
  }
  if (result === undefined) {
    cache.abandon(token);
    return undefined;
  }
  respond(ctx, cache.fill(token, key, policy.tags(userId, ctx.params), JSON.stringify(result)));
  return undefined;
}
