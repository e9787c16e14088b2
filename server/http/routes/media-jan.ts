/** Jan Server's media API under /media/v1/media (see media/jan-media-service.ts). */
import { JanIngestBody, JanIngestResult, JanPrepareUploadBody, JanPresignResult, JanResolveBody, JanResolveResult, JanUploadPreparation } from '../../api/media-jan.js';
import { MediaPathId } from '../../api/media.js';
import { endpoint } from '../endpoint.js';
import { readJsonBody } from '../json-body.js';
import { validate } from '../validate.js';
import { rangeFrom } from '../range-header.js';
import { sendContent } from '../media-content.js';
import { baseUrlOf } from './media.js';

const tags = ['media (Jan)'];

export const ingest = endpoint({
  summary: 'Store a file from `source: {type: "data_url", data_url}` or `{type: "remote_url", url}`; `deduped` when you had it already.',
  tags, response: JanIngestResult, timeoutMs: 60_000,
  handle: async ({ principal, ctx }, s) => {
    // A data URL is base64 (4/3 of the file) inside JSON: the body may be larger than other JSON bodies.
    const limit = Math.ceil((s.media.maxUploadBytes * 4) / 3) + 64 * 1024;
    const body = validate(JanIngestBody, await readJsonBody(ctx.req, limit), 'body');
    return s.janMedia.ingest(principal.userId, body, baseUrlOf(ctx), ctx.state.signal);
  },
});

export const prepareUpload = endpoint({
  summary: 'Reserve a `jan_…` id and get a presigned URL to PUT the bytes to.', tags, body: JanPrepareUploadBody, response: JanUploadPreparation,
  handle: ({ principal, body, ctx }, s) => s.janMedia.prepareUpload(principal.userId, body, baseUrlOf(ctx)),
});

export const resolve = endpoint({
  summary: 'Replace `data:<type>;jan_<id>` placeholders anywhere in a JSON payload with presigned URLs.',
  tags, body: JanResolveBody, response: JanResolveResult,
  handle: ({ principal, body, ctx }, s) => s.janMedia.resolve(principal.userId, body.payload, baseUrlOf(ctx)),
});

export const download = endpoint({
  summary: "Stream a file's bytes (`Range` supported).", tags, params: MediaPathId, timeoutMs: 60_000,
  handle: async ({ principal, params, ctx }, s) => sendContent(ctx, await s.media.open(principal.userId, params.id, rangeFrom(ctx)), 'inline'),
});

export const presign = endpoint({
  summary: 'A presigned download URL for a file (expires after JAN_MEDIA_PRESIGN_TTL_SECONDS).', tags, params: MediaPathId, response: JanPresignResult,
  handle: ({ principal, params, ctx }, s) => s.janMedia.presign(principal.userId, params.id, baseUrlOf(ctx)),
});
