/**
 * The single place errors become responses: the OpenAI envelope `{"error":{message,type,param,code}}` (on
 * Ollama's `/api/*` routes, Ollama's `{"error":"message"}`) with the right status. Unknown errors become a
 * generic 500 (the stack goes to the log only). When an event stream has already started, the error is sent
 * as one last `data:` frame instead.
 */
import type { Logger } from 'pino';
import { AppError, type AppErrorOptions, type ErrorType } from '../../errors/app-error.js';
import { setBody } from '../response-body.js';
import { asStorageFull } from '../../errors/storage-errors.js';
import type { AppContext, AppMiddleware } from '../types.js';

/** Errors thrown by Koa and its middleware (http-errors) carry `status` and `expose`. */
interface HttpError extends Error {
  status?: number;
  expose?: boolean;
  headers?: Record<string, string>;
}

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const http = error as HttpError;
  if (typeof http?.status !== 'number') return undefined;
  // 501 is what the router says for a method it does not know at all (PROPFIND): to the client that is a 405.
  if (http.status === 405 || http.status === 501) {
    return new AppError(405, 'invalid_request_error', http.message || 'Method not allowed.', {
      code: 'method_not_allowed',
      headers: http.headers ?? {},
    });
  }
  if (http.status >= 500 || http.status < 400) return undefined;
  return new AppError(http.status, 'invalid_request_error', http.expose ? http.message : 'Bad request.', { code: 'bad_request' });
}

export function errorEnvelope(error: AppError) {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** Ollama's API (`/api/*`, routes/ollama.ts) answers errors in Ollama's shape, `{"error":"message"}`. */
const ollamaRoute = (ctx: AppContext) => ctx.path.startsWith('/api/');

function send(ctx: AppContext, error: AppError): void {
  if (ctx.headerSent) {
    // An SSE stream is under way: the status is out already, so say it in the stream and end it.
    if (!ctx.res.writableEnded) ctx.res.end(`data: ${JSON.stringify(errorEnvelope(error))}\n\n`);
    return;
  }
  ctx.status = error.status;
  for (const name in error.headers) ctx.res.setHeader(name, error.headers[name]!);
  if (error.retryAfter !== undefined) ctx.res.setHeader('Retry-After', String(error.retryAfter));
  setBody(ctx, ollamaRoute(ctx) ? { error: error.message } : errorEnvelope(error));
}

/**
 * An AppError that is an answer, not a failure (no route, method not allowed): made without a stack trace,
 * whose capture was most of what an unknown route's 404 cost.
 */
function answer(status: number, type: ErrorType, message: string, options: AppErrorOptions): AppError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new AppError(status, type, message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Turns what the router leaves when nothing handled the request into errors: no route (404), or a route
 * without this method (405, or 501 for a method it does not know; the router has set `Allow` already).
 */
function unmatched(ctx: AppContext): AppError | undefined {
  if (ctx.status === 404) {
    return answer(404, 'not_found_error', `Unknown route: ${ctx.method} ${ctx.path}`, { code: 'unknown_route' });
  }
  if (ctx.status === 405 || ctx.status === 501) {
    const allow = ctx.response.get('Allow');
    return answer(405, 'invalid_request_error', `Method ${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}.`, {
      code: 'method_not_allowed',
      headers: { Allow: allow },
    });
  }
  return undefined;
}

/** `onStorageFull`: a request failed for lack of disk space (SQLITE_FULL, ENOSPC, EDQUOT), answered 507. */
export function errorHandler(logger: Logger, onStorageFull: () => void = () => undefined): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      const missing = ctx.body === undefined || ctx.body === null ? unmatched(ctx) : undefined;
      if (missing) send(ctx, missing);
    } catch (error) {
      const full = asStorageFull(error);
      if (full) {
        onStorageFull();
        logger.warn({ err: error, requestId: ctx.state.requestId, route: ctx._matchedRoute }, 'disk full');
      }
      const appError = full ?? toAppError(error);
      if (appError) {
        send(ctx, appError);
        return;
      }
      logger.error({ err: error, requestId: ctx.state.requestId, route: ctx._matchedRoute }, 'unhandled error');
      send(ctx, new AppError(500, 'server_error', 'The server had an error while processing your request.', { code: 'internal_error' }));
    }
  };
}
