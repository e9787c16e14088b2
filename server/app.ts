/**
 * Builds the Koa app: middleware in order, then the route table. Never listens (tests and start-server
 * call `app.callback()`).
 */
import type { IncomingMessage } from 'node:http';
import { constants as zlib } from 'node:zlib';
import cors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import compress from 'koa-compress';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { mountEndpoint } from './http/endpoint.js';
import { anthropicErrors } from './http/middleware/anthropic-errors.js';
import { errorHandler } from './http/middleware/error-handler.js';
import { hostCheck } from './http/middleware/host-check.js';
import { limits } from './http/middleware/limits.js';
import { recordMetrics } from './http/middleware/record-metrics.js';
import { requestContext } from './http/middleware/request-context.js';
import { routeDispatch } from './http/middleware/route-dispatch.js';
import { routes } from './http/routes/index.js';
import type { AppState } from './http/types.js';
import type { Services } from './create-services.js';

export interface AppDeps {
  config: Config;
  services: Services;
  logger: Logger;
  /** When a request reached the server (see http/arrival-clock.ts); without it, requests are timed from Koa. */
  requestArrival?: (req: IncomingMessage) => bigint | undefined;
}

/** Compress JSON and text, never event streams (they must reach the client as they are written). */
const compressible = (type: string) => !type.startsWith('text/event-stream') && /json|text|javascript|xml|svg/.test(type);

export function createApp({ config, services, logger, requestArrival }: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  app.silent = true; // errors are logged by our error handler, not Koa's default printer
  const router = new Router<AppState>();
  const env = { services, bodyLimitBytes: config.bodyLimitBytes, defaultTimeoutMs: config.requestTimeoutMs };
  for (const [method, path, ep] of routes) mountEndpoint(router, method, path, ep, env);

  const allowedOrigins = new Set(config.corsOrigins);
  app
    .use(recordMetrics(services.metrics, requestArrival))
    .use(requestContext())
    // Outside the error handler: rewrites its envelope into Anthropic's error shape on /v1/messages*.
    .use(anthropicErrors())
    .use(errorHandler(logger, () => services.diskSpace.reportFull()))
    .use(hostCheck(config.allowedHosts, () => services.lan.allowedHostnames()))
    .use(
      cors({
        origin: (ctx) => (allowedOrigins.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
        exposeHeaders: [
          'X-Request-Id', 'X-Auth-Method', 'X-Principal-Id', 'Retry-After', 'ETag',
          'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
        ],
        maxAge: 600,
      }),
    )
    // Rate and queue limits (429/503 with Retry-After); health checks and /metrics pass untouched.
    .use(limits(services.limits))
    .use(
      compress({
        threshold: 1024,
        filter: compressible,
        // Brotli's default quality (11) costs more CPU than it saves on per-request JSON.
        br: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
        gzip: { level: 6 },
        deflate: false,
      }),
    )
    .use(async (ctx, next) => {
      ctx.set('X-Content-Type-Options', 'nosniff');
      await next();
    })
    .use(routeDispatch(router)) // router.routes() without testing every route's pattern on every request
    // Not `throw: true`: the thrown errors carry no `Allow` header; the error handler turns the status into
    // the API's 405 and keeps the header the router set.
    .use(router.allowedMethods());
  return app;
}
