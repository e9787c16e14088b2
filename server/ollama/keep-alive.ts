/**
 * Ollama's `keep_alive`: how long a model stays loaded after a request. A number is seconds; a string is a Go
 * duration ("5m", "1h30m", "300ms", "1.5h") or, leniently, a number of seconds ("-1", "600"). Negative values
 * keep the model loaded; 0 unloads it as soon as the request is done.
 */
import { badRequest } from '../errors/app-error.js';

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Seconds, or null for "keep loaded"; a value that is no duration is a 400 naming `keep_alive`. */
export function parseKeepAlive(value: number | string): number | null {
  const seconds = typeof value === 'number' ? value : parseDuration(value.trim());
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw badRequest(`keep_alive: '${String(value)}' is not a duration (a number of seconds, or e.g. "5m", "1h30m", "-1").`, 'keep_alive');
  }
  return seconds < 0 ? null : seconds;
}

function parseDuration(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (body === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let match = PART.exec(body); match; match = PART.exec(body)) {
    total += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    end = PART.lastIndex;
  }
  return end === body.length ? sign * total : undefined;
}

/** A request's keep_alive as the models service takes it: undefined (not sent) means the configured idle TTL. */
export function idleTtlOf(value: number | string | null | undefined): number | null | undefined {
  return value === undefined || value === null ? undefined : parseKeepAlive(value);
}
