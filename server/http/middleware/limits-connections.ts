/**
 * The connection limits, at the HTTP server (below Koa). Every accepted TCP connection is counted; one that
 * arrives beyond the hard limit is not reset but answered: each request on it gets a 503 in the API's error
 * envelope with `Retry-After` and `Connection: close`, so clients see a clean "busy, retry" — except health
 * checks and `/metrics`, which are still served (then the connection closes too). Such a connection that
 * sends nothing is dropped after a few seconds. Only beyond the ceiling (hard limit plus a margin for those
 * answers) are new connections closed unanswered, to protect the file descriptor table.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LimitsService } from '../../limits/index.js';
import { UNLIMITED_PATHS } from './limits.js';

const IDLE_REFUSED_MS = 5_000;

export interface ConnectionGuard {
  /** Counts the socket (call it from the server's `connection` event). */
  onConnection(socket: Socket): void;
  /** Wraps the app's request listener: requests on refused connections get 503. */
  wrap(listener: RequestListener): RequestListener;
}

/**
 * Connections kept open at all: the hard limit plus as many again (at least 1,000) to answer refused ones
 * with a 503 — a refused connection lives only until its answer is written (or for IDLE_REFUSED_MS), so
 * this is reached only when clients open connections faster than they can be answered. Closing beyond it
 * unanswered keeps the file descriptors for the connections being served; a health probe then has to retry.
 */
export function connectionCeiling(hardLimit: number): number {
  return hardLimit + Math.max(1000, hardLimit);
}

const REFUSAL_BODY = JSON.stringify({
  error: {
    message: 'The server has too many open connections; try again shortly.',
    type: 'service_unavailable_error',
    param: null,
    code: 'connections_limit_reached',
  },
});

function refuse(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(REFUSAL_BODY),
    'Retry-After': '1',
    Connection: 'close',
  });
  res.end(REFUSAL_BODY);
}

export function connectionGuard(limits: LimitsService): ConnectionGuard {
  const refused = new WeakSet<Socket>();
  const ceiling = connectionCeiling(limits.connections.hard);
  return {
    onConnection(socket) {
      const accepted = limits.openConnection();
      socket.once('close', () => limits.closeConnection());
      if (accepted) return;
      if (limits.connections.current > ceiling) {
        socket.destroy();
        return;
      }
      refused.add(socket);
      socket.setTimeout(IDLE_REFUSED_MS, () => socket.destroy());
    },
    wrap(listener) {
      return (req: IncomingMessage, res: ServerResponse) => {
        if (!refused.has(req.socket)) return listener(req, res);
        const path = (req.url ?? '/').split('?')[0]!;
        if (!UNLIMITED_PATHS.has(path)) return refuse(res);
        res.shouldKeepAlive = false;
        return listener(req, res);
      };
    },
  };
}
