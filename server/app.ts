/**
 * Builds the Koa app: middleware in order, then the route table. Never listens (tests and start-server
 * call `app.callback()`).
 */
import type { IncomingMessage } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { mountEndpoint } from './http/endpoint.js';
import { anthropicErrors } from './http/middleware/anthropic-errors.js';
import { compression } from './http/middleware/compression.js';
import { corsForOrigins } from './http/middleware/cors.js';
import { errorHandler } from './http/middleware/error-handler.js';
import { hostCheck } from './http/middleware/host-check.js';
import { limits } from './http/middleware/limits.js';
import { recordMetrics } from './http/middleware/record-metrics.js';
import { replicaWrites } from './http/middleware/replica-writes.js';
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

export function createApp({ config, services, logger, requestArrival }: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  app.silent = true; // errors are logged by our error handler, not Koa's default printer
  const router = new Router<AppState>();
  const env = { services, bodyLimitBytes: config.bodyLimitBytes, defaultTimeoutMs: config.requestTimeoutMs };
  for (const [method, path, ep] of routes) mountEndpoint(router, method, path, ep, env);

  app
    .use(recordMetrics(services.metrics, requestArrival))
    .use(requestContext())
    // Outside the error handler: rewrites its envelope into Anthropic's error shape on /v1/messages*.
    .use(anthropicErrors())
    .use(errorHandler(logger, () => services.diskSpace.reportFull()))
    .use(hostCheck(config.allowedHosts, () => services.lan.allowedHostnames()))
    // Headers of every response, set once: what CORS and compression vary on, and no MIME sniffing.
    .use((ctx, next) => {
      ctx.res.setHeader('Vary', 'Origin, Accept-Encoding'); // not ctx.set: it allocates arrays on every call
      ctx.res.setHeader('X-Content-Type-Options', 'nosniff');
      return next();
    })
    .use(corsForOrigins(config.corsOrigins))
    // Rate and queue limits (429/503 with Retry-After); health checks and /metrics pass untouched.
    .use(limits(services.limits))
    .use(compression());
  // Replicas: a write is answered once its cache invalidations have reached the other replicas (via Redis).
  // Without Redis it is not mounted at all (a pass-through would still cost every request a frame).
  if (services.cluster) app.use(replicaWrites(services.cluster));
  app
    .use(routeDispatch(router)) // router.routes() without testing every route's pattern on every request
    // Not `throw: true`: the thrown errors carry no `Allow` header; the error handler turns the status into
    // the API's 405 and keeps the header the router set.
    .use(router.allowedMethods());
  return app;
}
