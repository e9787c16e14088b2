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
import { admitMember, quotaMayApply } from './member-quotas.js';
import { ambientCredential, assertSameOrigin } from './same-origin-writes.js';
import { CACHED_ROUTES, serveCached, type CachePolicy } from './cached-routes.js';
import type { AppContext, AppState } from './types.js';
import { validate } from './validate.js';
import { setBody } from './response-body.js';

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

/** What `mountEndpoint` decides once per route instead of on every request. */
interface RoutePlan {
  ep: Endpoint;
  env: EndpointContext;
  access: Access;
  /** It reads credentials (every non-public endpoint, and public ones with `identify`). */
  authenticates: boolean;
  cache: CachePolicy | undefined;
  /** `METHOD template` when a member quota may apply to the route (see member-quotas.ts), else undefined. */
  quotaRoute: string | undefined;
  successStatus: number;
  timeoutMs: number;
}

const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;

/** A request that will stream holds a stream slot (503 when none is free) until its response closes. */
function holdStreamSlot(ctx: AppContext, body: unknown, services: Services): void {
  if ((body as { stream?: unknown } | undefined)?.stream !== true) return;
  const release = services.limits.openStream();
  ctx.res.once('close', release);
}

/**
 * The shared steps of every endpoint, each async only where it has to wait (credentials, a body, a member's
 * quota): an endpoint that needs none of them (health, /metrics) runs its handler synchronously, and a handler
 * that answers synchronously makes the whole request synchronous (no Promise, no timer).
 */
function runEndpoint(plan: RoutePlan, ctx: AppContext): unknown {
  // Before credentials are checked or a byte of the body is read: a forged write gets nowhere.
  const ambient = ambientCredential(ctx, plan.env.services.authenticator.enabled, plan.authenticates);
  if (ambient) assertSameOrigin(ctx, ambient);
  else if (plan.ep.startsSession) assertSameOrigin(ctx, 'login');
  if (!plan.authenticates) return withPrincipal(plan, ctx, undefined);
  return authenticateRequest(ctx, plan.env.services.authenticator).then((principal) => withPrincipal(plan, ctx, principal));
}

function withPrincipal(plan: RoutePlan, ctx: AppContext, principal: Principal | undefined): unknown {
  if (plan.access !== 'public' && !principal) {
    throw unauthorized('Missing or invalid credentials. Send `Authorization: Bearer <API key or token>` or `X-API-Key`.');
  }
  // The one role rule: owner and admins administer (`/v1/admin/*`, models, settings, LAN); members and guests do not.
  if (plan.access === 'admin' && !isAdmin(principal!.role)) throw forbidden('This endpoint needs an admin credential.');
  const { ep } = plan;
  const params = ep.params ? validate(ep.params, ctx.params, 'path') : undefined;
  const query = ep.query ? validate(ep.query, ctx.query, 'query') : undefined;
  if (!ep.body) return withInput(plan, { params, query, body: undefined, principal: principal!, ctx });
  const schema = ep.body;
  return readJsonBody(ctx.req, plan.env.bodyLimitBytes).then((raw) =>
    withInput(plan, { params, query, body: validate(schema, raw, 'body'), principal: principal!, ctx }));
}

function withInput(plan: RoutePlan, input: HandlerInput<unknown, unknown, unknown>): unknown {
  const { ctx, principal } = input;
  const { services } = plan.env;
  holdStreamSlot(ctx, input.body, services);
  // A member's own quotas (requests/minute, tokens/day, streams, storage) and their place in the slot queue.
  const admitting = principal && plan.quotaRoute ? admitMember(ctx, services, principal.userId, input.body, plan.quotaRoute) : undefined;
  if (admitting) return admitting.then(() => handle(plan, input));
  return handle(plan, input);
}

function handle(plan: RoutePlan, input: HandlerInput<unknown, unknown, unknown>): unknown {
  const { ep, env, cache } = plan;
  if (cache && input.principal) return serveCached(input.ctx, env.services.responseCache, cache, input.principal.userId, () => ep.handle(input, env.services));
  return ep.handle(input, env.services);
}

function reply(plan: RoutePlan, ctx: AppContext, result: unknown): void {
  if (result === undefined) return;
  ctx.status = plan.successStatus;
  setBody(ctx, result);
}

/**
 * Waits for `work` at most `plan.timeoutMs`, then rejects and aborts the request's signal so that
 * cooperative work stops too (a result that comes later is dropped). One Promise and one timer per request:
 * a `Promise.race` with a timeout Promise and `finally` made four more.
 */
function replyWithin(plan: RoutePlan, ctx: AppContext, work: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      const error = new AppError(503, 'timeout_error', `The request took longer than ${plan.timeoutMs} ms and was stopped.`, {
        code: 'request_timeout',
        retryAfter: 1,
      });
      ctx.state.abort(error);
      reject(error);
    }, plan.timeoutMs);
    work.then(
      (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          reply(plan, ctx, result);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

export function mountEndpoint(router: Router<AppState>, method: string, path: string, ep: Endpoint, env: EndpointContext): void {
  const access = ep.access ?? 'user';
  const plan: RoutePlan = {
    ep, env, access,
    authenticates: access !== 'public' || ep.identify === true,
    cache: env.services.responseCache.enabled ? CACHED_ROUTES.get(`${method} ${path}`) : undefined,
    quotaRoute: quotaMayApply(`${method} ${path}`) ? `${method} ${path}` : undefined,
    successStatus: ep.status ?? 200,
    timeoutMs: Math.min(ep.timeoutMs ?? env.defaultTimeoutMs, MAX_TIMEOUT_MS),
  };
  // Not async: a synchronous answer returns nothing (Koa's compose resolves it) and costs no Promise here.
  router.register(path, [method], (ctx) => {
    const appCtx = ctx as unknown as AppContext;
    const work = runEndpoint(plan, appCtx);
    if (isPromise(work)) return replyWithin(plan, appCtx, work);
    reply(plan, appCtx, work);
    return undefined;
  });
}
