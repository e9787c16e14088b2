/**
 * Reads an import body as lines: gunzips it when it says `Content-Encoding: gzip` (an export saved
 * compressed can be sent as it is), counts the decompressed bytes against the limit (413 beyond it), and
 * refuses a single line longer than `maxLineBytes` (400) instead of buffering it whole.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, badRequest } from '../../errors/app-error.js';

/** Media types an import body may have: JSON Lines under its various names, JSON, plain text. */
const LINE_TYPES = /^(application\/(x-ndjson|jsonl|x-jsonlines|json)|text\/plain)\s*(;|$)/i;

export function checkImportType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type !== undefined && !LINE_TYPES.test(type)) {
    throw new AppError(415, 'invalid_request_error', `Content-Type must be application/x-ndjson (JSON Lines), not '${type}'.`, {
      code: 'unsupported_media_type',
    });
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && !/^(gzip|identity)$/i.test(encoding)) {
    throw new AppError(415, 'invalid_request_error', `Content-Encoding must be gzip or identity, not '${encoding}'.`, { code: 'unsupported_encoding' });
  }
}

export async function* readLines(req: IncomingMessage, maxBytes: number, maxLineBytes: number): AsyncGenerator<string> {
  const gzipped = /^gzip$/i.test(req.headers['content-encoding'] ?? '');
  const source: Readable = gzipped ? req.pipe(createGunzip()) : req;
  let total = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new AppError(413, 'invalid_request_error', `The import is larger than ${maxBytes} bytes.`, { code: 'request_too_large' });
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, newline));
        yield Buffer.concat(pending).toString('utf8');
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw badRequest(`A line of the import is longer than ${maxLineBytes} bytes.`, null, 'line_too_long');
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw badRequest(`Could not read the import: ${(error as Error).message}`, null, 'invalid_body');
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}
