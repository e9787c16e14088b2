/**
 * Sending a media file's bytes: the range the media service opened (206 with `Content-Range`; the request's
 * range is read in range-header.ts), strong ETags from the content hash (304 on `If-None-Match`), no
 * compression (it would break ranges), and headers that keep a browser from running anything a user uploaded.
 */
import type { MediaContent } from '../media/index.js';
import type { AppContext } from './types.js';

/** The strong ETag of a file's content (its SHA-256); `If-Range` is compared with it too. */
export const etagOf = (sha256: string) => `"${sha256}"`;

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Sets status, headers and body for `content`; returns undefined (the endpoint set `ctx` itself). */
export function sendContent(ctx: AppContext, content: MediaContent, disposition: 'inline' | 'attachment'): undefined {
  const { file, body, range } = content;
  (ctx as { compress?: boolean }).compress = false; // koa-compress reads this flag
  ctx.set('ETag', etagOf(file.sha256));
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Content-Disposition', contentDisposition(disposition, file.filename));
  ctx.type = file.mime_type === 'text/plain' ? 'text/plain; charset=utf-8' : file.mime_type;
  ctx.status = 200;
  if (!range && ctx.fresh) {
    body.destroy();
    ctx.status = 304;
    return undefined;
  }
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`);
  }
  ctx.body = body;
  ctx.length = range ? range.end - range.start + 1 : file.bytes;
  return undefined;
}
