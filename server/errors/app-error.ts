/**
 * The one error type of the server. Services and middleware throw it; `http/middleware/error-handler.ts`
 * maps it to the OpenAI error envelope. Anything else thrown becomes a generic 500.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'service_unavailable_error'
  | 'timeout_error';

export interface AppErrorOptions {
  param?: string | null;
  code?: string | null;
  /** Seconds, sent as `Retry-After` with 429/503. */
  retryAfter?: number;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly param: string | null;
  readonly code: string | null;
  readonly retryAfter: number | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (message: string, param: string | null = null, code = 'invalid_value') =>
  new AppError(400, 'invalid_request_error', message, { param, code });

export const notFound = (what: string, id: string, param: string | null = null) =>
  new AppError(404, 'not_found_error', `No ${what} found with id '${id}'.`, { param, code: `${what}_not_found` });

export const unauthorized = (message: string) =>
  new AppError(401, 'authentication_error', message, { code: 'invalid_api_key' });

export const forbidden = (message: string, code = 'forbidden') =>
  new AppError(403, 'permission_error', message, { code });
