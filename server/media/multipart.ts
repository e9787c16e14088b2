/**
 * Streams the `file` part of a multipart/form-data body to `consume` (busboy; the file is never held in
 * memory). Other text fields are collected; any other file part is skipped. Resolves once the whole body
 * has been read and `consume` has finished.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { MediaBadRequestError } from './media-errors.js';

export interface MultipartFileInfo {
  filename: string | undefined;
  /** The client's claim; we sniff the real type from the bytes. */
  mimeType: string;
}

export interface MultipartResult<T> {
  file: T;
  fields: Record<string, string>;
}

const FIELD_LIMITS = { fields: 20, fieldSize: 64 * 1024, parts: 40, headerPairs: 200 };

export function readMultipartFile<T>(
  body: Readable,
  headers: IncomingHttpHeaders,
  consume: (stream: Readable, info: MultipartFileInfo) => Promise<T>,
): Promise<MultipartResult<T>> {
  if (!/^multipart\/form-data\s*;/i.test(headers['content-type'] ?? '')) {
    return Promise.reject(new MediaBadRequestError("Send the file as multipart/form-data with a part named 'file'.", 'file', 'invalid_content_type'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, limits: FIELD_LIMITS });
    } catch (error) {
      reject(new MediaBadRequestError(`Malformed multipart request: ${(error as Error).message}`, null, 'invalid_multipart'));
      return;
    }
    const fields: Record<string, string> = {};
    let work: Promise<T> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(parser);
      body.resume(); // drain, so the client can read our answer
      reject(error);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || work) {
        stream.resume();
        return;
      }
      work = consume(stream, { filename: info.filename, mimeType: info.mimeType });
      work.catch(fail);
    });
    parser.on('error', (error: Error) => fail(new MediaBadRequestError(`Malformed multipart request: ${error.message}`, null, 'invalid_multipart')));
    parser.on('close', () => {
      if (failed) return;
      if (!work) {
        fail(new MediaBadRequestError("The multipart body has no part named 'file'.", 'file', 'missing_file'));
        return;
      }
      work.then((file) => resolve({ file, fields }), fail);
    });
    body.on('error', fail);
    body.pipe(parser);
  });
}
