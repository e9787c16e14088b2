import type { IncomingMessage } from 'node:http';
import type { Metrics } from '../../metrics/create-metrics.js';
import type { AppMiddleware } from '../types.js';

/**
 * Counts and times every request by its route *template* (`/v1/conversations/:id`), never the raw URL, so
 * label sets stay bounded. Time runs from the request's arrival (`arrivalOf`, which counts the wait on a busy
 * event loop; else from here) until the response is fully written (streams included). The same observation
 * feeds the registry and the dashboard's live windows.
 */
const CLIENT_CLOSED_REQUEST = 499;

export function recordMetrics(metrics: Metrics, arrivalOf?: (req: IncomingMessage) => bigint | undefined): AppMiddleware {
  const { requests, live } = metrics;
  return (ctx, next) => {
    const start = arrivalOf?.(ctx.req) ?? process.hrtime.bigint();
    requests.inFlight++;
    // 'close' alone: it follows 'finish' (in the next tick) and also comes when the client leaves first. It
    // comes once, so `on` (`once` wraps the listener in two more objects).
    ctx.res.on('close', () => {
      requests.inFlight--;
      const route = ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched';
      // A client that left before any response was sent: 499 ("client closed request", as nginx logs it),
      // not Koa's default 404 and not an error of ours.
      const code = ctx.res.headersSent ? ctx.res.statusCode : CLIENT_CLOSED_REQUEST;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const method = ctx.req.method!;
      const errorType = code >= 400 && code !== CLIENT_CLOSED_REQUEST
        ? ((ctx.body as { error?: { type?: string } } | undefined)?.error?.type ?? 'unknown')
        : undefined;
      requests.record(method, route, code, seconds, errorType);
      live.observeRequest(method, route, code, seconds);
    });
    return next();
  };
}
