/**
 * Resumable uploads (tus 1.0.0) under /v1/media/uploads. @tus/server answers with web Responses; this route
 * authenticates like every endpoint, hands the raw request over, and writes the Response to the socket
 * itself (so the upload is not bound by the endpoint timeout: tus requests have their own 5-minute limit),
 * turning every error into the API's error envelope.
 */
import type { ServerResponse } from 'node:http';
import { AppError, type ErrorType } from '../../errors/app-error.js';
import { MediaPathId } from '../../api/media.js';
import type { Services } from '../../create-services.js';
import { endpoint } from '../endpoint.js';
import { errorEnvelope } from '../middleware/error-handler.js';
import type { AppContext } from '../types.js';

const tags = ['media'];

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
  const tus = cause as { status_code?: number; body?: string } | undefined;
  const code = tus?.status_code ?? status;
  if (code >= 500) return new AppError(500, 'server_error', 'The upload failed on the server; resume it.', { code: 'upload_failed' });
  const message = (tus?.body ?? text).trim() || `Upload request failed (${code}).`;
  return new AppError(code, typeFor(code), message, { code: TUS_CODES[code] ?? 'invalid_tus_request' });
}

async function writeResponse(res: ServerResponse, response: Response, cause: unknown): Promise<void> {
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

function handleTus(ctx: AppContext, userId: string, services: Services): undefined {
  if (ctx.method === 'GET') {
    throw new AppError(405, 'invalid_request_error', "Use HEAD to read an upload's offset; download finished files from /v1/media/files/{id}/content.", {
      code: 'method_not_allowed',
      headers: { Allow: 'HEAD, PATCH, DELETE' },
    });
  }
  // From here the tus handler owns the response; Koa must not write one, and must not take it for a 404.
  ctx.respond = false;
  ctx.status = 200;
  const res = ctx.res;
  services.mediaUploads
    .handle(ctx.req, userId)
    .then(({ response, error }) => writeResponse(res, response, error))
    .catch((error: unknown) => writeResponse(res, new Response(null, { status: 500 }), error))
    .catch(() => res.destroy());
  return undefined;
}

export const create = endpoint({
  summary:
    'Start a resumable upload (tus 1.0.0: `Upload-Length`, `Upload-Metadata` with `filename`); the `Location` it answers ' +
    'takes HEAD (offset), PATCH (bytes) and DELETE. Unfinished uploads can be resumed for JAN_UPLOAD_RESUME_HOURS.',
  tags, status: 201,
  handle: ({ principal, ctx }, s) => handleTus(ctx, principal.userId, s),
});

export const resource = endpoint({
  summary: 'One resumable upload: HEAD gives `Upload-Offset`, PATCH appends (the last one answers `Media-File-Id`), DELETE cancels.',
  tags, params: MediaPathId, status: 204,
  handle: ({ principal, ctx }, s) => handleTus(ctx, principal.userId, s),
});
