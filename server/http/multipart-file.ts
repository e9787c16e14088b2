/**
 * Streams the `file` part of a multipart/form-data request to `consume` (busboy; the file is never held in
 * memory). Other text fields are collected; any other file part is skipped. Resolves once the whole body
 * has been read and `consume` has finished, so the caller acts on the file only when the request was whole.
 * When the request fails after `consume` made something of the file (a malformed tail), that thing is
 * discarded, so that a staged file is not left behind.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { badRequest } from '../errors/app-error.js';
import { fileTooLarge } from '../media/index.js';

export interface MultipartFileInfo {
  filename: string | undefined;
  /** The client's claim; the media service sniffs the real type from the bytes. */
  mimeType: string;
}

export interface MultipartResult<T> {
  file: T;
  fields: Record<string, string>;
}

const FIELD_LIMITS = { fields: 20, fieldSize: 64 * 1024, parts: 40, headerPairs: 200 };
/** Room for the multipart framing around the file (boundaries, part headers, small fields). */
const FRAMING_BYTES = 64 * 1024;

const malformed = (error: Error) => badRequest(`Malformed multipart request: ${error.message}`, null, 'invalid_multipart');

/** Reads `req`; a body declared larger than `maxFileBytes` plus the framing is refused (413) before reading. */
export function readMultipartFile<T extends { discard(): void }>(
  req: IncomingMessage,
  maxFileBytes: number,
  consume: (stream: Readable, info: MultipartFileInfo) => Promise<T>,
): Promise<MultipartResult<T>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxFileBytes + FRAMING_BYTES) return Promise.reject(fileTooLarge(maxFileBytes));
  if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(badRequest("Send the file as multipart/form-data with a part named 'file'.", 'file', 'invalid_content_type'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: FIELD_LIMITS });
    } catch (error) {
      reject(malformed(error as Error));
      return;
    }
    const fields: Record<string, string> = {};
    let work: Promise<T> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume(); // drain, so the client can read our answer
      work?.then((file) => file.discard(), () => undefined);
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
    parser.on('error', (error: Error) => fail(malformed(error)));
    parser.on('close', () => {
      if (failed) return;
      if (!work) {
        fail(badRequest("The multipart body has no part named 'file'.", 'file', 'missing_file'));
        return;
      }
      work.then((file) => resolve({ file, fields }), fail);
    });
    req.on('error', fail);
    req.pipe(parser);
  });
}
