/**
 * The `Range` and `If-Range` request headers of a media download: one byte range, chosen once the file's size
 * and hash are known (see `RangeChooser` in the media domain).
 */
import { AppError } from '../errors/app-error.js';
import type { ByteRange, RangeChooser } from '../media/index.js';
import type { AppContext } from './types.js';
import { etagOf } from './media-content.js';

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
