/**
 * Reads a JSON request body with a size limit. Accepts the first JSON value of the body and ignores what
 * follows it (Jan's own collection sends a stray `}` after a valid object and upstream accepts it); a body
 * that does not start with a JSON value is a 400, and so is one nested deeper than MAX_JSON_DEPTH or with an
 * object or array wider than MAX_JSON_KEYS / MAX_JSON_ELEMENTS.
 *
 * Only JSON media types are read. The types a page of another origin can make a browser send without asking
 * (form-encoded, text/plain, multipart: "simple" requests, no CORS preflight) are refused with 415, and so is
 * a body without a Content-Type (a no-cors fetch of bytes sends none). A request without a body needs no type:
 * it reads as `{}`.
 */
import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';
import { AppError, badRequest } from '../errors/app-error.js';

/** Media types we read as JSON: JSON itself and the structured `+json` types (merge-patch, vnd.api). */
const JSON_TYPES = /^application\/(json|[\w.+-]+\+json)\s*(;|$)/i;

const unsupportedType = (message: string) => new AppError(415, 'invalid_request_error', message, { code: 'unsupported_media_type' });

/** HTTP/1.1 frames a request body with Content-Length or Transfer-Encoding; with neither there is none. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type === undefined) {
    if (!hasBody(req)) return {};
    throw unsupportedType('Content-Type must be application/json; this request has a body and no Content-Type.');
  }
  if (!JSON_TYPES.test(type)) throw unsupportedType(`Content-Type must be application/json, not '${type}'.`);
  let body: Buffer;
  try {
    // With the declared length, a body over the limit is refused before a byte of it is read.
    body = await getRawBody(req, { limit: limitBytes, length: req.headers['content-length'] });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      throw new AppError(413, 'invalid_request_error', `Request body is larger than ${limitBytes} bytes.`, { code: 'request_too_large' });
    }
    throw badRequest(`Could not read the request body: ${(error as Error).message}`, null, 'invalid_body');
  }
  if (skipBlank(body, 0) === body.length) return {};
  return parseFirstJsonValue(body);
}

/**
 * Deeper bodies are refused with a 400: the services serialise what they store with `JSON.stringify`, which
 * recurses and overflows the stack on a few hundred thousand levels (a 500 for bad input).
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Wider objects and arrays are refused with a 400 by the scan before the body is decoded and parsed, so that
 * refusing them costs a scan up to the cap, not parsing and validating every member: a 2.7 MB body of 150,000
 * `metadata` keys took seconds and stalled every other request meanwhile. The widest legitimate arrays are
 * 10,000 chat messages or response input items (server/api); no schema has objects of more than a few dozen keys.
 */
export const MAX_JSON_KEYS = 1_000;
export const MAX_JSON_ELEMENTS = 10_000;

/** The first JSON value of a body (bytes as read, or text); refused before parsing when too deep or too wide. */
export function parseFirstJsonValue(body: string | Uint8Array): unknown {
  let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // A UTF-8 byte order mark is not JSON; some Windows tools write one.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const first = scanFirstValue(bytes);
  if (first.refusal) throw badRequest(first.refusal.message, null, first.refusal.code);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    if (first.end !== undefined && first.end < bytes.length) {
      try {
        return JSON.parse(bytes.toString('utf8', 0, first.end));
      } catch {
        // fall through to the error below
      }
    }
    throw badRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
}

interface FirstValue {
  /** Index just past the first complete object or array, or undefined when there is none. */
  end: number | undefined;
  /** Why the first object or array is refused: nested too deep, or an object or array too wide. */
  refusal?: { code: string; message: string };
}

const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c;

const TOO_DEEP = { code: 'json_too_deep', message: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.` };
const TOO_MANY_KEYS = { code: 'json_too_wide', message: `An object in the request body has more than ${MAX_JSON_KEYS} keys.` };
const TOO_MANY_ELEMENTS = { code: 'json_too_wide', message: `An array in the request body has more than ${MAX_JSON_ELEMENTS} elements.` };

/** Index of the first byte at or after `i` that is not JSON whitespace. */
function skipBlank(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/**
 * Scans brackets and commas outside strings (it does not validate: JSON.parse does that). It reads UTF-8
 * bytes, not text: every byte of a multi-byte character is 0x80 or more, so none is taken for a quote or a
 * bracket. The commas at one level count the members of the object or array open there: n commas, n + 1 members.
 */
function scanFirstValue(bytes: Uint8Array): FirstValue {
  let i = skipBlank(bytes, 0);
  if (bytes[i] !== OPEN_BRACE && bytes[i] !== OPEN_BRACKET) return { end: undefined };
  const commas = new Uint32Array(MAX_JSON_DEPTH + 1);
  const isObject = new Uint8Array(MAX_JSON_DEPTH + 1);
  let depth = 0;
  let inString = false;
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COMMA) {
      if (isObject[depth]) {
        if (++commas[depth]! >= MAX_JSON_KEYS) return { end: undefined, refusal: TOO_MANY_KEYS };
      } else if (++commas[depth]! >= MAX_JSON_ELEMENTS) return { end: undefined, refusal: TOO_MANY_ELEMENTS };
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return { end: undefined, refusal: TOO_DEEP };
      commas[depth] = 0;
      isObject[depth] = c === OPEN_BRACE ? 1 : 0;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return { end: i + 1 };
    }
  }
  return { end: undefined };
}
