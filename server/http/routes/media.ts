import { z } from 'zod';
import {
  ExtractTextBody,
  ExtractTextResult,
  MediaFile,
  MediaFileDeleted,
  MediaFileList,
  MediaListQuery,
  MediaPathId,
  MediaUploadResult,
  SignedQuery,
} from '../../api/media.js';
import { mediaFileFromRow } from '../../media/index.js';
import { endpoint } from '../endpoint.js';
import { readMultipartFile } from '../multipart-file.js';
import { rangeFrom } from '../range-header.js';
import { sendContent } from '../media-content.js';

const tags = ['media'];

/** Scheme, host and port the client used (Host is checked by the host-check middleware). */
export const baseUrlOf = (ctx: { protocol: string; host: string }) => `${ctx.protocol}://${ctx.host}`;

export const upload = endpoint({
  summary: 'Upload a file (multipart/form-data, part `file`; up to JAN_MEDIA_MAX_UPLOAD_BYTES). Same content again returns the same file with `deduped: true`.',
  tags, response: MediaUploadResult, timeoutMs: 60_000,
  handle: async ({ principal, ctx }, s) => {
    const startedAt = Date.now();
    const { file: staged } = await readMultipartFile(ctx.req, s.media.maxUploadBytes, (stream, info) => s.media.stageUpload(stream, info.filename));
    const { file, deduped } = await s.media.commitUpload(principal.userId, staged, startedAt);
    return { ...mediaFileFromRow(file), deduped };
  },
});

export const list = endpoint({
  summary: 'List your files, newest first (`after`, `limit`, `order`).', tags, query: MediaListQuery, response: MediaFileList,
  handle: ({ principal, query }, s) => s.media.list(principal.userId, query),
});

export const get = endpoint({
  summary: "A file's metadata.", tags, params: MediaPathId, response: MediaFile,
  handle: async ({ principal, params }, s) => mediaFileFromRow(await s.media.get(principal.userId, params.id)),
});

export const content = endpoint({
  summary: "Download a file's bytes; `Range: bytes=…` gives 206.", tags, params: MediaPathId, timeoutMs: 60_000,
  handle: async ({ principal, params, ctx }, s) => sendContent(ctx, await s.media.open(principal.userId, params.id, rangeFrom(ctx)), 'attachment'),
});

export const remove = endpoint({
  summary: 'Delete a file (its content goes when no file of anyone refers to it).', tags, params: MediaPathId, response: MediaFileDeleted,
  handle: ({ principal, params }, s) => s.media.delete(principal.userId, params.id),
});

export const extractText = endpoint({
  summary: 'Extract the text of an image (OCR), a PDF (text layer, OCR for scanned pages) or a text file. Cached per content and languages.',
  tags, params: MediaPathId, body: ExtractTextBody, response: ExtractTextResult, timeoutMs: 60_000,
  handle: ({ principal, params, body, ctx }, s) => s.textExtraction.extract(principal.userId, params.id, body.languages, ctx.state.signal),
});

export const signedDownload = endpoint({
  summary: 'Download through a presigned URL (no credentials; the signature and expiry are the access).',
  tags, access: 'public', params: MediaPathId, query: SignedQuery, timeoutMs: 60_000,
  handle: async ({ params, query, ctx }, s) => sendContent(ctx, await s.janMedia.openSigned(params.id, query, rangeFrom(ctx)), 'inline'),
});

export const signedUpload = endpoint({
  summary: 'Upload the raw bytes of a file prepared with `POST /media/v1/media/prepare-upload` (no credentials; the signature is the access).',
  tags, access: 'public', params: MediaPathId, query: SignedQuery, timeoutMs: 60_000,
  response: z.object({ id: z.string(), mime: z.string(), bytes: z.number().int(), deduped: z.boolean(), presigned_url: z.string() }),
  handle: ({ params, query, ctx }, s) => s.janMedia.completeUpload(params.id, query, ctx.req, baseUrlOf(ctx)),
});
