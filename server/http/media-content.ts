/**
 * Sending a media file's bytes: single byte ranges (`Range: bytes=…` → 206, or 416 with the envelope), strong
 * ETags from the content hash (304 on `If-None-Match`; `If-Range`), no compression (it would break ranges),
 * and headers that keep a browser from running anything a user uploaded.
 */
import { AppError } from '../../errors/app-error.js';
import type { ByteRange, MediaContent, RangeChooser } from '../../media/index.js';
import type { AppContext } from '../types.js';

/**
 * The range to serve for a `Range` header, or undefined for the whole file. Multiple ranges, other units and
 * malformed headers are ignored (the whole file is a valid answer); a single unsatisfiable range is a 416.
 */
export function parseRange(header: string, size: number): ByteRange | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = suffix === 0 ? size : Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size) {
    throw new AppError(416, 'invalid_request_error', `The range '${header}' is outside the file (${size} bytes).`, {
      param: 'Range',
      code: 'range_not_satisfiable',
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  return { start, end };
}

/** What the request asks for: its `Range`, unless `If-Range` names another version of the file. */
export function rangeFrom(ctx: AppContext): RangeChooser | undefined {
  const header = ctx.get('Range');
  if (!header || ctx.method !== 'GET') return undefined;
  const ifRange = ctx.get('If-Range');
  return (file) => (ifRange && ifRange !== etagOf(file.sha256) ? undefined : parseRange(header, file.bytes));
}

const etagOf = (sha256: string) => `"${sha256}"`;

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
