/** Ids of generated objects, shaped like OpenAI's (`chatcmpl-…`, `cmpl-…`, `call_…`, `resp_…`) and Anthropic's (`msg_…`, `toolu_…`). */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 24 random base62 characters (about 143 bits) after the prefix. */
export function generatedId(prefix: 'chatcmpl-' | 'cmpl-' | 'call_' | 'resp_' | 'msg_' | 'fc_' | 'toolu_'): string {
  const bytes = randomBytes(24);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
