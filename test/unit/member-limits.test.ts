import { describe, expect, it } from 'vitest';
import { MemberLimits } from '../../server/limits/index.js';

describe('MemberLimits', () => {
  it('a bucket per member of the quota\'s size, refilled over a minute; a new figure applies at once', () => {
    let now = 0;
    const limits = new MemberLimits(() => now);
    expect(limits.checkRate('a', 2)).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(limits.checkRate('a', 2).allowed).toBe(true);
    const refused = limits.checkRate('a', 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limitedBy: 'client' });
    expect(refused.retryAfterMs).toBe(30_000); // one request every 30 s at 2 per minute
    expect(limits.checkRate('b', 2).allowed).toBe(true); // another member has their own bucket
    now = 30_000;
    expect(limits.checkRate('a', 2).allowed).toBe(true);
    expect(limits.checkRate('a', 2).allowed).toBe(false);
    expect(limits.checkRate('a', 10)).toMatchObject({ allowed: true, limit: 10, remaining: 9 });
    expect(limits.peekRate('a', 10)).toBe(9);
    expect(limits.peekRate('c', 10)).toBe(10);
  });

  it('counts open streams per member; release is idempotent; a lower figure refuses until enough have closed', () => {
    const limits = new MemberLimits();
    const first = limits.openStream('a', 2)!;
    const second = limits.openStream('a', 2)!;
    expect(limits.openStream('a', 2)).toBeUndefined();
    expect(limits.openStream('b', 1)).toBeDefined();
    expect(limits.openStream('a', 1)).toBeUndefined();
    first();
    first();
    expect(limits.openStreams('a')).toBe(1);
    expect(limits.openStream('a', 1)).toBeUndefined();
    second();
    expect(limits.openStreams('a')).toBe(0);
    expect(limits.openStream('a', 1)).toBeDefined();
  });
});
