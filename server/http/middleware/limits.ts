/**
 * Rate and queue limits for every request except health checks and `/metrics` (probes and scrapes must
 * work best exactly when the server is overloaded). Each request takes a token from its client's bucket and
 * the server's (429 when either is empty) and a place among the requests in flight (503 when there are
 * `JAN_QUEUE_DEPTH_LIMIT` already). OpenAI's `x-ratelimit-*-requests` headers go on every limited response,
 * refused or not.
 *
 * The client is the credential sent (hashed: a bucket per API key, token or session), else the address.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { RateDecision } from '../../limits/index.js';
import type { LimitsService } from '../../limits/index.js';
import type { AppContext, AppMiddleware } from '../types.js';
import { SESSION_COOKIE } from '../authenticate-request.js';

/** Never limited, never counted: liveness, readiness, health and the metrics scrape. */
export const UNLIMITED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/v1/health', '/media/healthz', '/metrics']);

/**
 * The rate-limit bucket of a request: its credential's SHA-256 (never the credential itself: no raw key is kept
 * in the limiter's memory, not even in a cache), or its address when it has none.
 */
export function clientKey(ctx: AppContext): string {
  const headers = ctx.req.headers;
  const authorization = headers.authorization;
  const bearer = authorization ? /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() : undefined;
  const apiKey = headers['x-api-key'];
  const credential = bearer || (typeof apiKey === 'string' ? apiKey : '') || (headers.cookie ? ctx.cookies.get(SESSION_COOKIE) : undefined);
  if (!credential) return `a:${ctx.socket.remoteAddress ?? 'unknown'}`;
  return `c:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
}

/** A duration as OpenAI writes it in `x-ratelimit-reset-requests` (Go's format: `20ms`, `1.5s`, `6m0s`). */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = Math.ceil(ms) / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = Number((totalSeconds - minutes * 60).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(decision.limit),
    'x-ratelimit-remaining-requests': String(decision.remaining),
    'x-ratelimit-reset-requests': formatResetDuration(decision.resetMs),
  };
}

function rateLimited(decision: RateDecision, headers: Record<string, string>): AppError {
  const scope = decision.limitedBy === 'client' ? 'for your credentials or address' : 'for this server';
  return new AppError(429, 'rate_limit_error', `Rate limit reached ${scope}: ${decision.limit} requests per second. Retry after the time in Retry-After.`, {
    code: 'rate_limit_exceeded',
    retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
    headers,
  });
}

export function limits(service: LimitsService): AppMiddleware {
  /** Admitted (or refused) by `decision`; holds a place in the queue until the rest of the chain settles. */
  const proceed = (ctx: AppContext, next: () => Promise<unknown>, decision: RateDecision): Promise<unknown> => {
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) throw rateLimited(decision, headers);
    for (const name in headers) ctx.res.setHeader(name, headers[name]!); // not ctx.set: no arrays per call
    const leave = service.enterQueue();
    let rest: Promise<unknown>;
    try {
      rest = next();
    } catch (error) {
      leave();
      throw error;
    }
    return rest.then(
      (value) => {
        leave();
        return value;
      },
      (error: unknown) => {
        leave();
        throw error;
      },
    );
  };
  // Not async: without Redis the rate decision is synchronous, and the request pays one Promise here, not an
  // async frame and its awaits.
  const limited = (ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> => {
    const admitted = service.admitRate(clientKey(ctx));
    return admitted instanceof Promise ? admitted.then((decision) => proceed(ctx, next, decision)) : proceed(ctx, next, admitted);
  };
  return (ctx, next) => (UNLIMITED_PATHS.has(ctx.path) ? next() : limited(ctx, next));
}
