/**
 * Resumable uploads (tus 1.0.0) under /v1/media/uploads. @tus/server (http/tus-server.ts) answers with web
 * Responses; this route authenticates like every endpoint, hands the raw request over, and writes the
 * Response to the socket itself (so the upload is not bound by the endpoint timeout: tus requests have their
 * own 5-minute limit), turning every error into the API's error envelope (http/tus-response.ts).
 */
import { AppError } from '../../errors/app-error.js';
import { MediaPathId } from '../../api/media.js';
import type { MediaUploadsService } from '../../media/index.js';
import { endpoint } from '../endpoint.js';
import { TusUploads } from '../tus-server.js';
import { writeTusResponse } from '../tus-response.js';
import type { Services } from '../../create-services.js';
import type { AppContext } from '../types.js';

const tags = ['media'];
const TUS_PATH = '/v1/media/uploads';
/** The guide's limit for one resumable-upload request; a cut-off PATCH is resumed by the client. */
const TUS_REQUEST_TIMEOUT_MS = 5 * 60 * 1000;

const tusServers = new WeakMap<MediaUploadsService, TusUploads>();

/** The tus server over the media domain's uploads folder, made on first use (one per server). */
function tusServerFor(uploads: MediaUploadsService, onStorageFull: () => void): TusUploads {
  let tus = tusServers.get(uploads);
  if (!tus) {
    tus = new TusUploads({
      directory: uploads.directory,
      path: TUS_PATH,
      maxBytes: uploads.maxBytes,
      expirationMs: uploads.expirationMs,
      requestTimeoutMs: TUS_REQUEST_TIMEOUT_MS,
      exposedHeaders: ['Media-File-Id', 'Media-Deduped'],
      // The final PATCH tells the client its file's id.
      onFinished: async (userId, upload) => {
        const { file, deduped } = await uploads.finish(userId, upload);
        return { 'Media-File-Id': file.id, 'Media-Deduped': String(deduped) };
      },
      onStorageFull,
    });
    tusServers.set(uploads, tus);
  }
  return tus;
}

function handleTus(ctx: AppContext, userId: string, s: Services): undefined {
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
  tusServerFor(s.mediaUploads, () => s.diskSpace.reportFull())
    .handle(ctx.req, userId)
    .then(({ response, error }) => writeTusResponse(res, response, error))
    .catch((error: unknown) => writeTusResponse(res, new Response(null, { status: 500 }), error))
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
