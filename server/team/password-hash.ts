/**
 * Password hashing with `node:crypto.scrypt` — in Node itself, so no native add-on to build per platform and
 * Electron ABI (argon2's npm packages are), and scrypt is memory-hard, which is what matters against GPU
 * guessing. Parameters: N = 2^15, r = 8, p = 1 (32 MiB and some 50–100 ms per hash; OWASP's minimum for
 * scrypt is N = 2^17 with r = 8, p = 1 *or* an equivalent cost, and RFC 7914's interactive-login example is
 * N = 2^14), a 16-byte random salt and a 32-byte key. The stored string carries its parameters —
 * `scrypt$N$r$p$salt$key` (base64url) — so they can be raised later: `needsRehash` tells the login to store a
 * fresh hash with the current ones. Comparison is constant-time. Passwords are NFC-normalized (the same
 * password typed on two keyboards gives the same bytes) and never logged.
 *
 * scrypt runs on libuv's thread pool (the async API), so a login does not stall the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r·p bytes; Node's default cap (32 MiB) is exactly N = 2^15, r = 8, so leave headroom.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r * params.p };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** Bounds keep a tampered or corrupt row from making a login allocate gigabytes. */
function parse(stored: string): Parsed | undefined {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || key === undefined) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(params.N) && params.N >= 2 && (params.N & (params.N - 1)) === 0;
  if (!powerOfTwo || params.N > 2 ** 20 || !(params.r >= 1 && params.r <= 32) || !(params.p >= 1 && params.p <= 16)) return undefined;
  const parsed = { params, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key, 'base64url') };
  return parsed.key.length === KEY_BYTES ? parsed : undefined;
}

/** True when `password` matches `stored`; false for a wrong password or a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with weaker parameters than `params` (the login then stores a new hash). */
export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

/**
 * A hash of a random password, made once: a login for an unknown name is checked against it, so that the
 * answer takes as long as for a known name with a wrong password (no account enumeration by timing).
 */
export function decoyHash(): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'));
}
