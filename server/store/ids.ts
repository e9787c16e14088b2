import { randomBytes } from 'node:crypto';

/** Public ids look like OpenAI's: a type prefix and 48 hex characters (192 random bits). */
export function newId(prefix: 'conv' | 'msg' | 'fc' | 'fco' | 'proj' | 'user' | 'key'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
