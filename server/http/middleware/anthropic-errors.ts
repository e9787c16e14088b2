/**
 * Anthropic's error shape on Anthropic's routes (`/v1/messages`, `/v1/messages/count_tokens`):
 * `{"type":"error","error":{"type","message"}}` instead of OpenAI's envelope.
 *
 * It runs outside the error handler and rewrites the envelope that handler made, so every error of these
 * paths is covered — rate limits and unknown routes included, which fail before any route runs — while the
 * handler stays the one place errors become statuses and headers (`Retry-After` included).
 *
 * The status stays ours: a full queue is 503 + `Retry-After` (Anthropic's own overload status is 529). 503 is
 * what load balancers, Kubernetes and this server's metrics and SLA figures count as "unavailable", and
 * Anthropic's SDKs retry any 5xx (honouring `Retry-After`) just as they retry 529.
 */
import type { AnthropicErrorType } from '../../api/anthropic.js';
import type { AppError } from '../../errors/app-error.js';
import type { AppMiddleware } from '../types.js';

export const servesAnthropic = (path: string) => path === '/v1/messages' || path.startsWith('/v1/messages/');

const TYPES: Record<number, AnthropicErrorType> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

export function anthropicErrorType(status: number): AnthropicErrorType {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function anthropicErrorBody(status: number, message: string) {
  return { type: 'error' as const, error: { type: anthropicErrorType(status), message } };
}

/** The error frame of an Anthropic event stream that fails after it started (`event: error`). */
export const anthropicErrorFrame = (error: AppError) => ({ event: 'error', data: anthropicErrorBody(error.status, error.message) });

export function anthropicErrors(): AppMiddleware {
  const rewrite: AppMiddleware = async (ctx, next) => {
    await next();
    if (ctx.status < 400) return;
    const message = (ctx.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    if (typeof message === 'string') ctx.body = anthropicErrorBody(ctx.status, message);
  };
  // Every other path passes straight through (no async frame of its own).
  return (ctx, next) => (servesAnthropic(ctx.path) ? rewrite(ctx, next) : next());
}
