/**
 * A response body as the fetcher hands it out: bytes are counted as they pass (the cap holds even when the
 * server sent no Content-Length or a chunked body), each chunk restarts the stall timer and reports
 * progress, a body shorter than its Content-Length fails, and socket errors become FetchErrors. Closing the
 * body, however it ends, stops the fetch's timers and closes the socket.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { FetchError } from './fetch-error.js';
import type { FetchGuard } from './fetch-guard.js';

export interface BodyLimits {
  url: string;
  /** Where the body starts in the entity (a resumed download's offset). */
  offset: number;
  contentLength: number | undefined;
  totalBytes: number | null;
  maxBytes: number | undefined;
  onProgress: ((receivedBytes: number, totalBytes: number | null) => void) | undefined;
}

/** A socket or HTTP error, named as the fetcher's (a FetchError passes unchanged). */
export function networkError(error: Error, url: URL | string): FetchError {
  if (error instanceof FetchError) return error;
  const href = typeof url === 'string' ? url : url.href;
  const host = typeof url === 'string' ? undefined : url.hostname.replace(/^\[|\]$/g, '');
  return new FetchError('failed', `Could not fetch ${href}: ${error.message}`, { reason: 'network', url: href, ...(host && { host }), cause: error });
}

export function guardedBody(res: IncomingMessage, limits: BodyLimits, guard: FetchGuard): Readable {
  const { url, offset, contentLength, totalBytes, maxBytes, onProgress } = limits;
  let received = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (maxBytes !== undefined && offset + received > maxBytes) {
        return callback(new FetchError('too_large', `${url} is larger than ${maxBytes} bytes.`, { url }));
      }
      guard.kick();
      onProgress?.(offset + received, totalBytes);
      callback(null, chunk);
    },
    flush(callback) {
      if (contentLength !== undefined && received < contentLength) {
        return callback(new FetchError('failed', `${url} ended after ${received} of ${contentLength} bytes.`, { reason: 'truncated', url }));
      }
      callback();
    },
  });
  res.on('error', (error) => body.destroy(networkError(error, url)));
  body.once('close', () => {
    guard.stop();
    res.destroy();
  });
  guard.aim((error) => body.destroy(error));
  res.pipe(body);
  return body;
}
