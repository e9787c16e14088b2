/**
 * An endpoint is a handler plus what the router, the validator and the OpenAPI document need to know about
 * it. `mountEndpoint` does the shared work for all of them — authenticate, read and validate input, apply the
 * timeout — so each handler is only "one service call, shape the reply".
 */
import type Router from '@koa/router';
import type { z } from 'zod';
import { AppError, forbidden, unauthorized } from '../errors/app-error.js';
import { isAdmin, type Principal } from '../auth/index.js';
import type { Services } from '../create-services.js';
import { readJsonBody } from './json-body.js';
import { authenticateRequest } from './authenticate-request.js';
import { admitMember } from './member-quotas.js';
import { ambientCredential, assertSameOrigin } from './same-origin-writes.js';
import { CACHED_ROUTES, serveCached, type CachePolicy } from './cached-routes.js';
import type { AppContext, AppState } from './types.js';
import { validate } from './validate.js';

export type Access = 'public' | 'user' | 'admin';

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Present on every endpoint whose access is not `public`. */
  principal: Principal;
  ctx: AppContext;
}

export interface Endpoint<B = unknown, Q = unknown, P = unknown> {
  summary: string;
  tags: string[];
  access?: Access;
  /**
   * `public` endpoints read no credentials (no key hashing or token check on health checks and /metrics);
   * set this on one whose answer depends on who asks when credentials are sent (`ctx.state.principal`).
   */
  identify?: boolean;
  /**
   * A public write that starts a cookie session (login, accepting an invitation): refused when a browser sends
   * it from another origin, so that no page can sign a visitor in to an account of its choosing (login CSRF).
   */
  startsSession?: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Success status (default 200) and the response schema, for OpenAPI. */
  status?: number;
  response?: z.ZodType;
  /** The error body's schema, for OpenAPI, on a route that answers errors in another API's shape (Anthropic's). */
  errorResponse?: z.ZodType;
  /** Overrides the configured request timeout (capped at 60 s). */
  timeoutMs?: number;
  /** Returns the response body; `undefined` means the handler set `ctx` itself. */
  handle(input: HandlerInput<B, Q, P>, services: Services): unknown;
}

export function endpoint<B = undefined, Q = undefined, P = undefined>(spec: Endpoint<B, Q, P>): Endpoint<B, Q, P> {
  return spec;
}

export interface EndpointContext {
  services: Services;
  bodyLimitBytes: number;
  defaultTimeoutMs: number;
}

const MAX_TIMEOUT_MS = 60_000;

/** A request that will stream holds a stream slot (503 when none is free) until its response closes. */
function holdStreamSlot(ctx: AppContext, body: unknown, services: Services): void {
  if ((body as { stream?: unknown } | undefined)?.stream !== true) return;
  const release = services.limits.openStream();
  ctx.res.once('close', release);
}

async function runEndpoint(ep: Endpoint, ctx: AppContext, env: EndpointContext, cache?: CachePolicy): Promise<unknown> {
  const access = ep.access ?? 'user';
  const authenticates = access !== 'public' || ep.identify === true;
  // Before credentials are checked or a byte of the body is read: a forged write gets nowhere.
  const ambient = ambientCredential(ctx, env.services.authenticator.enabled, authenticates);
  if (ambient) assertSameOrigin(ctx, ambient);
  else if (ep.startsSession) assertSameOrigin(ctx, 'login');
  const principal = authenticates ? await authenticateRequest(ctx, env.services.authenticator) : undefined;
  if (access !== 'public' && !principal) {
    throw unauthorized('Missing or invalid credentials. Send `Authorization: Bearer <API key or token>` or `X-API-Key`.');
  }
  // The one role rule: owner and admins administer (`/v1/admin/*`, models, settings, LAN); members and guests do not.
  if (access === 'admin' && !isAdmin(principal!.role)) throw forbidden('This endpoint needs an admin credential.');
  const input = {
    params: ep.params ? validate(ep.params, ctx.params, 'path') : undefined,
    query: ep.query ? validate(ep.query, ctx.query, 'query') : undefined,
    body: ep.body ? validate(ep.body, await readJsonBody(ctx.req, env.bodyLimitBytes), 'body') : undefined,
    principal: principal!,
    ctx,
  };
  holdStreamSlot(ctx, input.body, env.services);
  // A member's own quotas (requests/minute, tokens/day, streams, storage) and their place in the slot queue.
  const admitting = principal && admitMember(ctx, env.services, principal.userId, input.body);
  if (admitting) await admitting;
  if (cache && principal) return serveCached(ctx, env.services.responseCache, cache, principal.userId, () => ep.handle(input, env.services));
  return ep.handle(input, env.services);
}

/**
 * Rejects after `ms`, aborting the request's signal so that cooperative work stops too. Armed for every
 * request: unlike the AbortController (made lazily, see request-context.ts), the timer and race cost at most
 * a few µs — a build without them was not measurably cheaper on /v1/health or /healthz.
 */
function withTimeout<T>(work: Promise<T>, ms: number, abort: (reason: unknown) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AppError(503, 'timeout_error', `The request took longer than ${ms} ms and was stopped.`, {
        code: 'request_timeout',
        retryAfter: 1,
      });
      abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function mountEndpoint(router: Router<AppState>, method: string, path: string, ep: Endpoint, env: EndpointContext): void {
  const timeoutMs = Math.min(ep.timeoutMs ?? env.defaultTimeoutMs, MAX_TIMEOUT_MS);
  const cache = env.services.responseCache.enabled ? CACHED_ROUTES.get(`${method} ${path}`) : undefined;
  router.register(path, [method], async (ctx) => {
    const appCtx = ctx as unknown as AppContext;
    const result = await withTimeout(runEndpoint(ep as Endpoint, appCtx, env, cache), timeoutMs, (reason) => appCtx.state.abort(reason));
    if (result !== undefined) {
      appCtx.status = ep.status ?? 200;
      appCtx.body = result;
    }
  });
}
