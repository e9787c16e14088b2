/**
 * Reads a JSON request body with a size limit. Accepts the first JSON value of the body and ignores what
 * follows it (Jan's own collection sends a stray `}` after a valid object and upstream accepts it); a body
 * that does not start with a JSON value is a 400.
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
    text = await getRawBody(req, { limit: limitBytes, encoding: 'utf8' });
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

export function parseFirstJsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const end = endOfFirstValue(text);
    if (end !== undefined && end < text.length) {
      try {
        return JSON.parse(text.slice(0, end));
      } catch {
        // fall through to the error below
      }
    }
    throw badRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
}

/** Index just past the first complete object or array in `text`, or undefined when there is none. */
function endOfFirstValue(text: string): number | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== '{' && text[i] !== '[') return undefined;
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}
