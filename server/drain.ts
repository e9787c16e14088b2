/**
 * Graceful drain, the first steps of start-server.ts's close() (SIGTERM from a terminal, Kubernetes or a rolling
 * update; the desktop app's stop): so that a rolling restart loses no request that was not in flight on a killed
 * process.
 *
 * 1. Readiness fails at once (`/readyz` answers 503 + Retry-After): a load balancer stops sending new requests.
 * 2. Every response from then on carries `Connection: close`, including those already in flight whose headers are
 *    not sent yet, so a keep-alive client opens its next connection elsewhere instead of reusing one this process
 *    is about to close (a request sent on a socket as it closes fails without ever having been in flight).
 * 3. For `JAN_DRAIN_DELAY_MS` the server still accepts and serves, while the load balancer's health checks notice.
 * Then the caller closes the listener (Listeners.close: no new connections, in-flight requests finish within
 * `JAN_SHUTDOWN_TIMEOUT_MS`) and the rest.
 */
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { Readiness } from './health/index.js';

type WriteHeadArgs = [statusCode: number, statusMessage?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]];

/**
 * `handler` whose responses say `Connection: close` while the server drains. Node's own `server.close()` does not:
 * it closes keep-alive connections only once idle, which races with a client's next request on them.
 */
/** `handler` may return a Promise (Koa's does, and handles its own errors); nothing waits for it. */
export function closingConnectionsWhileDraining(handler: (req: IncomingMessage, res: ServerResponse) => unknown, readiness: Pick<Readiness, 'draining'>): RequestListener {
  // Set on each response; decided when its headers go out (Koa sends them at the end), not when it arrived.
  function writeHead(this: ServerResponse, ...args: WriteHeadArgs): ServerResponse {
    if (readiness.draining && !this.headersSent) this.setHeader('Connection', 'close');
    return (ServerResponse.prototype.writeHead as (...a: WriteHeadArgs) => ServerResponse).apply(this, args);
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead = writeHead as ServerResponse['writeHead'];
    handler(req, res);
  };
}

export interface DrainOptions {
  readiness: Pick<Readiness, 'startDraining'>;
  /** `JAN_DRAIN_DELAY_MS`: how long to keep serving after readiness fails, before the listener closes. */
  delayMs: number;
  logger: Logger;
}

/** Steps 1–3 above; resolves when the listener may close. */
export async function startDrain({ readiness, delayMs, logger }: DrainOptions): Promise<void> {
  readiness.startDraining();
  if (delayMs <= 0) return;
  logger.debug({ delayMs }, 'draining: /readyz answers 503; still serving until the load balancer notices');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
}
