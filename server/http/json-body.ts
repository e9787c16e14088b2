/**
 * Reads a JSON request body with a size limit. Accepts the first JSON value of the body and ignores what
 * follows it (Jan's own collection sends a stray `}` after a valid object and upstream accepts it); a body
 * that does not start with a JSON value is a 400, and so is one nested deeper than MAX_JSON_DEPTH.
 */
import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';
import { AppError, badRequest } from '../errors/app-error.js';

/** Media types we read as JSON: JSON itself, and curl's default for `-d` (people forget `-H`). */
const JSON_TYPES = /^(application\/(json|[\w.+-]+\+json)|application\/x-www-form-urlencoded)\s*(;|$)/i;

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !JSON_TYPES.test(type)) {
    throw new AppError(415, 'invalid_request_error', `Content-Type must be application/json, not '${type}'.`, {
      code: 'unsupported_media_type',
    });
  }
  let text: string;
  try {
    // With the declared length, a body over the limit is refused before a byte of it is read.
    text = await getRawBody(req, { limit: limitBytes, length: req.headers['content-length'], encoding: 'utf8' });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      throw new AppError(413, 'invalid_request_error', `Request body is larger than ${limitBytes} bytes.`, { code: 'request_too_large' });
    }
    throw badRequest(`Could not read the request body: ${(error as Error).message}`, null, 'invalid_body');
  }
  if (text.trim() === '') return {};
  return parseFirstJsonValue(text);
}

/**
 * Deeper bodies are refused with a 400: the services serialise what they store with `JSON.stringify`, which
 * recurses and overflows the stack on a few hundred thousand levels (a 500 for bad input).
 */
export const MAX_JSON_DEPTH = 100;

export function parseFirstJsonValue(text: string): unknown {
  const first = scanFirstValue(text);
  if (first.tooDeep) {
    throw badRequest(`The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`, null, 'json_too_deep');
  }
  try {
    return JSON.parse(text);
  } catch {
    if (first.end !== undefined && first.end < text.length) {
      try {
        return JSON.parse(text.slice(0, first.end));
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
  /** The first object or array nests deeper than MAX_JSON_DEPTH. */
  tooDeep: boolean;
}

const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, QUOTE = 0x22, BACKSLASH = 0x5c;

/** Scans brackets outside strings (it does not validate: JSON.parse does that). */
function scanFirstValue(text: string): FirstValue {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const c0 = text.charCodeAt(i);
  if (c0 !== OPEN_BRACE && c0 !== OPEN_BRACKET) return { end: undefined, tooDeep: false };
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return { end: undefined, tooDeep: true };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return { end: i + 1, tooDeep: false };
    }
  }
  return { end: undefined, tooDeep: false };
}
