import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Jan's media ids: `jan_` and a lowercase ULID (48-bit millisecond time, then 80 random bits, Crockford
 * base32), e.g. `jan_01k9ycv6vz6gyb591axgsy9man`. Time first keeps ids of one user roughly in upload order.
 */
export function newMediaId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(10);
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail = CROCKFORD[Number(bits & 31n)]! + tail;
    bits >>= 5n;
  }
  return `jan_${time}${tail}`;
}
