/** TokenBucket and RateLimiter on a fake clock: refill, burst, per-client isolation, the figures the headers report, pruning. */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/limits/token-bucket.js';
import { RateLimiter } from '../../server/limits/rate-limiter.js';

function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refuses until time refills it', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 3, clock.now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.remaining).toBe(0);
    expect(bucket.msUntilToken()).toBeCloseTo(100);
    clock.advance(99);
    expect(bucket.take()).toBe(false);
    clock.advance(1);
    expect(bucket.take()).toBe(true);
  });

  it('never holds more than its capacity, and reports the time until it is full', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(4, 4, clock.now);
    bucket.take();
    bucket.take();
    expect(bucket.msUntilFull()).toBeCloseTo(500);
    expect(bucket.isFull).toBe(false);
    clock.advance(10_000);
    expect(bucket.remaining).toBe(4);
    expect(bucket.isFull).toBe(true);
    expect(bucket.msUntilFull()).toBe(0);
  });

  it('ignores a clock that goes backwards', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 1, clock.now);
    bucket.take();
    clock.advance(-5_000);
    expect(bucket.take()).toBe(false);
    expect(bucket.remaining).toBe(0);
  });

  it('refuses a rate or capacity that cannot work', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0.5)).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  const limiter = (clock = fakeClock(), overrides: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {}) =>
    new RateLimiter({ softPerSecond: 2, hardPerSecond: 5, clientPerSecond: 3, now: clock.now, ...overrides });

  it('refuses a client over its own rate while other clients are still served', () => {
    const rate = limiter();
    const a = [1, 2, 3, 4].map(() => rate.check('a'));
    expect(a.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(a[3]).toMatchObject({ allowed: false, limitedBy: 'client', limit: 3, remaining: 0 });
    expect(a[3]!.retryAfterMs).toBeCloseTo(1000 / 3);
    expect(rate.check('b')).toMatchObject({ allowed: true, limit: 5, remaining: 1 }); // the server's 2 left are tighter than b's 3
  });

  it('refuses everyone once the server-wide rate is used up', () => {
    const rate = limiter();
    for (const client of ['a', 'a', 'b', 'b', 'c']) expect(rate.check(client).allowed).toBe(true);
    expect(rate.check('d')).toMatchObject({ allowed: false, limitedBy: 'global', limit: 5, remaining: 0 });
  });

  it('reports the tighter bucket and flags requests over the soft rate', () => {
    const rate = limiter();
    expect(rate.check('a')).toMatchObject({ allowed: true, limit: 3, remaining: 2, overSoft: false });
    expect(rate.check('a')).toMatchObject({ remaining: 1, overSoft: false });
    expect(rate.check('b')).toMatchObject({ allowed: true, limit: 3, remaining: 2, overSoft: true }); // a tie: the client's bucket
  });

  it('a refused request does not use up the client tokens it did not get', () => {
    const clock = fakeClock();
    const rate = limiter(clock, { hardPerSecond: 1 });
    expect(rate.check('a').allowed).toBe(true);
    expect(rate.check('a').limitedBy).toBe('global');
    clock.advance(1000);
    expect(rate.check('a')).toMatchObject({ allowed: true, limit: 1, remaining: 0 });
  });

  it('drops full client buckets and keeps the map under its bound', () => {
    const clock = fakeClock();
    const rate = limiter(clock, { hardPerSecond: 1_000_000, clientPerSecond: 10, maxClients: 100 });
    for (let i = 0; i < 500; i++) rate.check(`client-${i}`);
    expect(rate.trackedClients).toBeLessThanOrEqual(101);
    clock.advance(5_000); // every bucket refills: pruning drops them all
    for (let i = 0; i < 1024; i++) rate.check('same');
    expect(rate.trackedClients).toBe(1);
  });
});
