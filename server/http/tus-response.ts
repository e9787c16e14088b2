/**
 * Writes @tus/server's web Response to the socket as the API's reply: successes as tus made them, every
 * 4xx/5xx as the API's error envelope (with tus's headers kept, so browsers can still read the status). A
 * full disk (tus writing the bytes, or the finished upload becoming a media file) is the API's 507.
 */
import type { ServerResponse } from 'node:http';
import { AppError, type ErrorType } from '../errors/app-error.js';
import { asStorageFull } from '../errors/storage-errors.js';
import { errorEnvelope } from './middleware/error-handler.js';

const TUS_CODES: Record<number, string> = {
  400: 'invalid_tus_request', 403: 'forbidden', 404: 'upload_not_found', 409: 'upload_offset_mismatch', 410: 'upload_expired',
  412: 'tus_resumable_required', 413: 'file_too_large', 415: 'invalid_content_type', 460: 'checksum_mismatch',
};

function typeFor(status: number): ErrorType {
  if (status === 404 || status === 410) return 'not_found_error';
  if (status === 409) return 'conflict_error';
  if (status === 403) return 'permission_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The AppError behind a failed tus response: ours when we threw one, else made from tus's status and text. */
function errorFor(status: number, text: string, cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const full = asStorageFull(cause);
  if (full) return full;
  const tus = cause as { status_code?: number; body?: string } | undefined;
  const code = tus?.status_code ?? status;
  if (code >= 500) return new AppError(500, 'server_error', 'The upload failed on the server; resume it.', { code: 'upload_failed' });
  const message = (tus?.body ?? text).trim() || `Upload request failed (${code}).`;
  return new AppError(code, typeFor(code), message, { code: TUS_CODES[code] ?? 'invalid_tus_request' });
}

/** `cause`: the error behind a failed response, when one was thrown (see `TusResult.error`). */
export async function writeTusResponse(res: ServerResponse, response: Response, cause: unknown): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  const headers = Object.fromEntries(response.headers.entries());
  if (response.status < 400) {
    res.writeHead(response.status, headers);
    res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
    return;
  }
  const error = errorFor(response.status, await response.text(), cause);
  const body = JSON.stringify(errorEnvelope(error));
  delete headers['content-length'];
  res.writeHead(error.status, { ...headers, ...error.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
