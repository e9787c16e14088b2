/** Login guessing backoff: free failures, then locks that double per failure up to a cap, per account and per address. */
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../server/errors/app-error.js';
import { LoginThrottle } from '../../server/team/index.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** The Retry-After seconds of a refused check, or 0 when the check passes. */
function retryAfter(throttle: LoginThrottle, account: string, ip?: string): number {
  try {
    throttle.check(account, ip);
    return 0;
  } catch (error) {
    const e = error as AppError;
    expect({ status: e.status, type: e.type, code: e.code }).toEqual({ status: 429, type: 'rate_limit_error', code: 'login_throttled' });
    expect(e.message).toMatch(new RegExp(`Try again in ${e.retryAfter} s\\.`));
    return e.retryAfter!;
  }
}

describe('login throttle', () => {
  it('locks an account after 5 failures for 1 s, then doubles the lock with each further failure up to 15 min', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 4; i++) t.failed('alice', undefined);
    expect(retryAfter(t, 'alice')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      t.failed('alice', undefined);
      const wait = retryAfter(t, 'alice');
      waits.push(wait);
      c.advance(wait * 1000);
      expect(retryAfter(t, 'alice')).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it('names are compared ignoring case; other accounts are not affected; a success clears the account', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 5; i++) t.failed(i % 2 ? 'Alice' : 'alice ', undefined);
    expect(retryAfter(t, 'ALICE')).toBe(1);
    expect(retryAfter(t, 'bob')).toBe(0);
    c.advance(1000);
    t.succeeded('alice');
    t.failed('alice', undefined);
    expect(retryAfter(t, 'alice')).toBe(0);
  });

  it('locks an address after 20 failures over any names, and a success on one account does not clear the address', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 19; i++) t.failed(`user${i}`, '10.0.0.7');
    t.succeeded('user0');
    expect(retryAfter(t, 'someone-new', '10.0.0.7')).toBe(0);
    t.failed('user19', '10.0.0.7');
    expect(retryAfter(t, 'someone-new', '10.0.0.7')).toBe(1);
    expect(retryAfter(t, 'someone-new', '10.0.0.8')).toBe(0);
  });

  it('forgets a count an hour after its last failure', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 4; i++) t.failed('alice', undefined);
    c.advance(3601 * 1000);
    t.failed('alice', undefined);
    expect(retryAfter(t, 'alice')).toBe(0);
  });

  it('keeps at most maxEntries keys, dropping the stalest', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, maxEntries: 3, accountFreeFailures: 1 });
    t.failed('a', undefined);
    t.failed('b', undefined);
    t.failed('c', undefined);
    t.failed('d', undefined);
    expect(retryAfter(t, 'a')).toBe(0);
    expect(retryAfter(t, 'd')).toBe(1);
  });
});
