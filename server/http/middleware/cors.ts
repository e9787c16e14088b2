/**
 * CORS (@koa/cors) for the origins the user allowed (JAN_CORS_ORIGINS), run only for requests that carry
 * an `Origin` header: without one, @koa/cors does nothing but add `Vary: Origin`, which app.ts sets for
 * every response in one go.
 */
import cors from '@koa/cors';
import type { AppMiddleware } from '../types.js';

export const EXPOSED_HEADERS = [
  'X-Request-Id', 'X-Auth-Method', 'X-Principal-Id', 'Retry-After', 'ETag',
  'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
];

export function corsForOrigins(origins: readonly string[]): AppMiddleware {
  const allowed = new Set(origins);
  const full = cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  }) as unknown as AppMiddleware;
  return (ctx, next) => (ctx.get('Origin') === '' ? next() : full(ctx, next));
}
