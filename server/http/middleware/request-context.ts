import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Principal } from '../../auth/index.js';
import type { AppMiddleware, AppState } from '../types.js';

const CLIENT_ID = /^[\w.-]{1,128}$/;

/**
 * A request's state. The AbortController behind `signal` is made on first use (of `signal` or `abort`):
 * most requests (health, reads answered from SQLite or the cache) never look at it, and a controller with
 * its `close` listener is a measurable share of such a request's cost. A signal first asked for after the
 * client left is aborted at once, so late users see the same as if it had been watched from the start.
 */
class RequestState implements AppState {
  principal?: Principal;
  #controller: AbortController | undefined;

  constructor(
    readonly requestId: string,
    private readonly res: ServerResponse,
  ) {}

  get signal(): AbortSignal {
    return (this.#controller ??= this.#watch()).signal;
  }

  abort(reason?: unknown): void {
    (this.#controller ??= this.#watch()).abort(reason);
  }

  /** A controller that aborts when the client disconnects before the response is finished. */
  #watch(): AbortController {
    const controller = new AbortController();
    const { res } = this;
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    };
    if (res.closed) onClose();
    else res.once('close', onClose);
    return controller;
  }
}

/**
 * Gives each request an id (the client's `X-Request-Id` when it is sane) and an AbortSignal that fires when
 * the client disconnects before the response is finished, so long work can stop.
 */
export function requestContext(): AppMiddleware {
  // Not async, and the header set on the response directly: Koa's `ctx.set` allocates arrays per call.
  return (ctx, next) => {
    const incoming = ctx.req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && CLIENT_ID.test(incoming) ? incoming : randomUUID();
    ctx.state = new RequestState(requestId, ctx.res);
    ctx.res.setHeader('X-Request-Id', requestId);
    return next();
  };
}
