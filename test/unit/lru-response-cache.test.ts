/** ResponseCache: byte bound and LRU eviction, tag invalidation, the read/write race guard, metrics, off switch. */
import { describe, expect, it } from 'vitest';
import { cacheTags, etagOf, ResponseCache } from '../../server/cache/response-cache.js';

function counters() {
  const seen: Record<string, number> = {};
  const counter = (name: string) => ({
    inc: (labels: Record<string, string>) => {
      const key = `${name}${labels.result ? `:${labels.result}` : ''}`;
      seen[key] = (seen[key] ?? 0) + 1;
    },
  });
  const metrics = {
    cacheLookups: counter('lookup'), cacheEvictions: counter('eviction'), cacheInvalidations: counter('invalidation'),
    cacheBytes: { set: (_labels: unknown, value: number) => (seen.bytes = value) },
  };
  return { seen, metrics: metrics as never };
}

/** Stores `body` under `key` the way a read does: begin before reading, fill after. */
function put(cache: ResponseCache, key: string, tags: string[], body: string) {
  return cache.fill(cache.begin(), key, tags, body);
}

describe('ResponseCache', () => {
  it('serves what was stored, with a weak ETag of the body', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    const stored = put(cache, 'u1 /a?', ['t'], '{"a":1}');
    expect(stored).toEqual({ body: '{"a":1}', etag: etagOf('{"a":1}') });
    expect(stored.etag).toMatch(/^W\/"[\w-]{27}"$/);
    expect(cache.lookup('u1 /a?')).toMatchObject(stored);
    expect(cache.lookup('u2 /a?')).toBeUndefined();
  });

  it('drops exactly the entries tagged with what was written', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    put(cache, 'list', [cacheTags.conversationList('u1')], 'L');
    put(cache, 'conv-a', [cacheTags.conversation('u1', 'a')], 'A');
    put(cache, 'items-a', [cacheTags.conversation('u1', 'a')], 'IA');
    put(cache, 'conv-b', [cacheTags.conversation('u1', 'b')], 'B');
    put(cache, 'other-user', [cacheTags.conversation('u2', 'a')], 'X');
    cache.invalidate(cacheTags.conversation('u1', 'a'));
    expect(['list', 'conv-a', 'items-a', 'conv-b', 'other-user'].map((k) => cache.lookup(k)?.body)).toEqual(['L', undefined, undefined, 'B', 'X']);
    cache.invalidate(cacheTags.conversationList('u1'));
    expect(cache.lookup('list')).toBeUndefined();
    expect(cache.entries).toBe(2);
  });

  it('refuses to store a read that raced a write to one of its tags', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    const token = cache.begin(); // the read starts
    cache.invalidate('t'); // a write commits meanwhile
    const answer = cache.fill(token, 'k', ['t'], 'old');
    expect(answer.body).toBe('old'); // the read still gets its answer…
    expect(cache.lookup('k')).toBeUndefined(); // …but it is not kept
    put(cache, 'k', ['t'], 'new'); // a read that began after the write is kept
    expect(cache.lookup('k')?.body).toBe('new');
  });

  it('a write to another tag does not stop the fill', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    const token = cache.begin();
    cache.invalidate('other');
    cache.fill(token, 'k', ['t'], 'v');
    expect(cache.lookup('k')?.body).toBe('v');
  });

  it('when the invalidation history overflows, every pending fill is refused (never a stale entry)', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    const token = cache.begin();
    for (let i = 0; i < 10_001; i++) cache.invalidate(`tag-${i}`);
    cache.fill(token, 'k', ['unrelated'], 'v');
    expect(cache.lookup('k')).toBeUndefined();
    put(cache, 'k', ['unrelated'], 'v');
    expect(cache.lookup('k')?.body).toBe('v');
  });

  it('an abandoned fill (the handler threw) stores nothing', () => {
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    const token = cache.begin();
    cache.abandon(token);
    cache.fill(token, 'k', ['t'], 'v');
    expect(cache.lookup('k')).toBeUndefined();
  });

  it('stays within its byte budget by evicting the least recently used, and counts it', () => {
    const { seen, metrics } = counters();
    const cache = new ResponseCache({ maxBytes: 3 * (1000 + 256 + 2), metrics });
    const body = 'x'.repeat(1000);
    put(cache, 'k1', ['t1'], body);
    put(cache, 'k2', ['t2'], body);
    put(cache, 'k3', ['t3'], body);
    cache.lookup('k1'); // k2 is now the least recently used
    put(cache, 'k4', ['t4'], body);
    expect(['k1', 'k2', 'k3', 'k4'].map((k) => cache.lookup(k) !== undefined)).toEqual([true, false, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(3 * 1258);
    expect(seen.eviction).toBe(1);
    expect(seen.bytes).toBe(cache.bytes);
    cache.invalidate('t2'); // the evicted entry's tag no longer points anywhere
    expect(seen.invalidation).toBeUndefined();
  });

  it('does not keep an entry larger than the whole cache (and indexes nothing for it)', () => {
    const cache = new ResponseCache({ maxBytes: 500 });
    put(cache, 'big', ['t'], 'x'.repeat(1000));
    expect(cache.lookup('big')).toBeUndefined();
    expect(cache.entries).toBe(0);
  });

  it('counts hits and misses for jan_cache_hit_ratio{cache="http"}', () => {
    const { seen, metrics } = counters();
    const cache = new ResponseCache({ maxBytes: 1 << 20, metrics });
    cache.lookup('k');
    put(cache, 'k', ['t'], 'v');
    cache.lookup('k');
    cache.lookup('k');
    cache.invalidate('t');
    expect(seen).toMatchObject({ 'lookup:miss': 1, 'lookup:hit': 2, invalidation: 1 });
  });

  it('with 0 bytes it is off: nothing stored, ETags still computed', () => {
    const cache = new ResponseCache({ maxBytes: 0 });
    expect(cache.enabled).toBe(false);
    expect(put(cache, 'k', ['t'], 'v').etag).toBe(etagOf('v'));
    expect(cache.lookup('k')).toBeUndefined();
  });
});
