/**
 * How an engine's failures reach the client, in the OpenAI envelope: an engine's 4xx passes through with the
 * engine's own message (the request was wrong there too); a 5xx, a refused key or a broken answer is a 502, and
 * no engine reachable is a 503 — both with `Retry-After`. Messages name the engine, never its key.
 */
import { AppError, type ErrorType } from '../errors/app-error.js';

const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error', 404: 'not_found_error', 409: 'conflict_error', 413: 'invalid_request_error',
  415: 'invalid_request_error', 422: 'invalid_request_error', 429: 'rate_limit_error',
};

interface Envelope {
  error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } | string;
  message?: unknown;
}

/** The message, param and code of an error body in OpenAI's envelope (or Ollama's `{error: "…"}`), else its text. */
export function readEngineError(text: string): { message: string; param: string | null; code: string | null } {
  let body: Envelope | undefined;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (typeof error === 'string') return { message: error, param: null, code: null };
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const message = str(error?.message) ?? str(body?.message) ?? (text.trim().slice(0, 500) || 'no message');
  return { message, param: str(error?.param), code: str(error?.code) };
}

/** An engine's 4xx answer as ours: same status, the engine's message; `Retry-After` of a 429 kept. */
export function passedThrough(engine: string, status: number, text: string, retryAfter: string | undefined): AppError {
  const { message, param, code } = readEngineError(text);
  const seconds = Number(retryAfter);
  return new AppError(status, TYPE_BY_STATUS[status] ?? 'invalid_request_error', message, {
    param, code: code ?? 'engine_rejected', ...(status === 429 && { retryAfter: Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 1 }),
    headers: { 'X-Jan-Engine': engine },
  });
}

export function noHealthyEngine(model: string, engines: string[], retryAfter: number): AppError {
  return new AppError(503, 'service_unavailable_error',
    `No engine serving '${model}' is healthy now (${engines.join(', ')}: ejected after failing). Retry after ${retryAfter} s.`,
    { param: 'model', code: 'engine_unavailable', retryAfter });
}

/** Every engine tried failed before answering: 502 when one answered badly, 503 when none could be reached. */
export function allFailed(model: string, failures: Array<{ engine: string; message: string; answered: boolean }>, retryAfter: number): AppError {
  const detail = failures.map((f) => `${f.engine}: ${f.message}`).join('; ');
  if (failures.some((f) => f.answered)) {
    return new AppError(502, 'server_error', `The engine serving '${model}' failed (${detail}).`, { code: 'engine_error', retryAfter });
  }
  return new AppError(503, 'service_unavailable_error', `No engine serving '${model}' could be reached (${detail}). Retry after ${retryAfter} s.`, {
    code: 'engine_unavailable', retryAfter,
  });
}

/** The answer broke off after the first bytes reached the client: one error frame ends the stream. */
export function brokenStream(engine: string, detail: string): AppError {
  return new AppError(502, 'server_error', `The engine ${engine} stopped answering mid-stream (${detail}).`, { code: 'engine_error', retryAfter: 1 });
}

/** The client left (or the request timed out): as the local path says it. */
export function clientGone(signal: AbortSignal): AppError {
  if (signal.reason instanceof AppError) return signal.reason;
  return new AppError(499, 'invalid_request_error', 'The client closed the connection before the response was complete.', { code: 'client_closed_request' });
}
