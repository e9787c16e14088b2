import { randomUUID } from 'node:crypto';
import type { AppMiddleware } from '../types.js';

const CLIENT_ID = /^[\w.-]{1,128}$/;

/**
 * Gives each request an id (the client's `X-Request-Id` when it is sane) and an AbortSignal that fires when
 * the client disconnects before the response is finished, so long work can stop.
 */
export function requestContext(): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = CLIENT_ID.test(incoming) ? incoming : randomUUID();
    const controller = new AbortController();
    ctx.state.requestId = requestId;
    ctx.state.signal = controller.signal;
    ctx.state.abort = (reason?: unknown) => controller.abort(reason);
    ctx.set('X-Request-Id', requestId);
    const onClose = () => {
      if (!ctx.res.writableFinished) controller.abort(new Error('client disconnected'));
    };
    ctx.res.once('close', onClose);
    await next();
  };
}
