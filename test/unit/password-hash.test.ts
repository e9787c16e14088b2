/** scrypt password hashes: format with parameters, salt, verification, rehash on raised parameters, bounds. */
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../server/team/index.js';

describe('password hashes', () => {
  it('stores scheme, N, r, p, a 16-byte salt and a 32-byte key; never the password', async () => {
    const hash = await hashPassword('correct horse battery');
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect({ scheme, n, r, p }).toEqual({ scheme: 'scrypt', n: String(2 ** 15), r: '8', p: '1' });
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('correct');
  });

  it('verifies the right password only; the same password hashes differently each time (salted)', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('normalizes Unicode (NFC): a precomposed and a decomposed é are the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!');
    expect(await verifyPassword('cafe\u0301 au lait!', hash)).toBe(true);
  });

  it('reads the parameters from the stored hash, and asks for a rehash when they are below the current ones', async () => {
    const weak = await hashPassword('correct horse battery', { N: 2 ** 10, r: 8, p: 1 });
    expect(weak.split('$')[1]).toBe('1024');
    expect(await verifyPassword('correct horse battery', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
  });

  it('refuses malformed or out-of-bounds hashes instead of computing them (a tampered row cannot allocate gigabytes)', async () => {
    const good = await hashPassword('correct horse battery');
    const parts = good.split('$');
    for (const bad of [
      '', 'plain', `bcrypt$${parts.slice(1).join('$')}`, ['scrypt', 2 ** 24, 8, 1, parts[4], parts[5]].join('$'),
      ['scrypt', 1000, 8, 1, parts[4], parts[5]].join('$'), ['scrypt', 2 ** 15, 99, 1, parts[4], parts[5]].join('$'),
      ['scrypt', 2 ** 15, 8, 1, parts[4], 'c2hvcnQ'].join('$'),
    ]) {
      expect(await verifyPassword('correct horse battery', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });
});
