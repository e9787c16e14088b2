/** LiveWindows: HDR percentiles against a sorted-array oracle, exact counts, and window expiry on an injected clock. */
import { describe, expect, it } from 'vitest';
import { LiveWindows, type WindowName } from '../../server/metrics/live-windows.js';
import { uniformSource } from '../support/gguf/prng.js';

/** A clock the test moves by hand (ms since the epoch, starting at a second boundary + 250 ms). */
function manualClock(start = Date.UTC(2026, 0, 5, 10, 0, 0, 250)) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms), advance: (ms: number) => (now += ms), start };
}

/** Nearest-rank percentile of integer microseconds, as HDR defines it. */
function oracle(sortedMicros: number[], p: number): number {
  return sortedMicros[Math.max(1, Math.ceil((p / 100) * sortedMicros.length)) - 1]!;
}

/** Log-normal-ish durations from 50 µs to a few seconds, as integer µs. */
function randomDurations(seed: number, n: number): number[] {
  const u = uniformSource(seed, 1);
  return Array.from({ length: n }, () => Math.max(1, Math.round(Math.exp(8 + 3 * u()) * (1 + u() * 0.5))));
}

const bounds = [1, 10, 100, 1000];

describe('LiveWindows percentiles', () => {
  it.each([
    ['1m', 1, 2_000],
    ['5m', 2, 20_000],
    ['1h', 3, 50_000],
  ] as const)('%s window: p50/p95/p99 within HDR precision of the exact values (seed %i, %i values)', (window, seed, n) => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now });
    const values = randomDurations(seed, n);
    const spanMs = { '1m': 50_000, '5m': 280_000, '1h': 3_000_000 }[window as WindowName];
    values.forEach((micros, i) => {
      clock.set(clock.start + Math.floor((i * spanMs) / n));
      live.observeRequest('GET', '/v1/things', 200, micros / 1e6);
    });
    const sorted = [...values].sort((a, b) => a - b);
    const total = live.requestTotals(window, bounds);
    expect(total.count).toBe(n);
    for (const [p, got] of [[50, total.p50Ms], [95, total.p95Ms], [99, total.p99Ms]] as const) {
      const exact = oracle(sorted, p);
      // The top of the HDR bucket holding the exact value: never below it, at most 1/128 above (2 digits).
      expect(got! * 1000).toBeGreaterThanOrEqual(exact);
      expect(got! * 1000).toBeLessThanOrEqual(exact * (1 + 1 / 128) + 1);
    }
    expect(total.meanMs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / n / 1000, 6);
    expect(total.maxMs).toBe(sorted.at(-1)! / 1000);
    const route = live.routeFigures(window)[0]!;
    expect(route).toMatchObject({ method: 'GET', route: '/v1/things', count: n, p99Ms: total.p99Ms });
  });

  it('is exact below 256 µs and buckets the latency histogram by upper bound', () => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now });
    for (const micros of [100, 200, 200, 250, 5_000, 50_000, 2_000_000]) live.observeRequest('GET', '/x', 200, micros / 1e6);
    const total = live.requestTotals('1m', bounds);
    expect(total.p50Ms).toBe(0.25);
    expect(total.buckets).toEqual([4, 1, 1, 0, 1]); // ≤1 ms, ≤10, ≤100, ≤1000, +Inf
  });

  it('returns nulls and zeros for an empty window', () => {
    const live = new LiveWindows({ now: manualClock().now });
    expect(live.requestTotals('5m', bounds)).toEqual({
      count: 0, rps: 0, peakRps: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanMs: null, maxMs: null,
      errors4xx: 0, errors5xx: 0, statuses: {}, buckets: [0, 0, 0, 0, 0],
    });
    expect(live.routeFigures('1h')).toEqual([]);
  });
});

describe('LiveWindows counts and rates', () => {
  it('counts statuses, 4xx and 5xx per route and in total; rps over the elapsed time, peak per second', () => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now });
    clock.advance(10_000);
    for (const status of [200, 200, 201, 404, 422, 503]) live.observeRequest('POST', '/v1/a', status, 0.002);
    clock.advance(1_000);
    for (let i = 0; i < 4; i++) live.observeRequest('GET', '/v1/b', 200, 0.001);
    const total = live.requestTotals('1m', bounds);
    expect(total).toMatchObject({ count: 10, errors4xx: 2, errors5xx: 1, peakRps: 6, statuses: { 200: 6, 201: 1, 404: 1, 422: 1, 503: 1 } });
    expect(total.rps).toBeCloseTo(10 / 11, 6); // 11 s since start, shorter than the window
    expect(live.routeFigures('1m').map((r) => [r.method, r.route, r.count, r.errors4xx, r.errors5xx])).toEqual([
      ['POST', '/v1/a', 6, 2, 1],
      ['GET', '/v1/b', 4, 0, 0],
    ]);
    clock.advance(120_000);
    expect(live.requestTotals('5m', bounds).rps).toBeCloseTo(10 / 131, 6);
  });

  it('tracks database operations and lists slow ones newest first', () => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now, slowQueryMs: 50 });
    live.observeQuery('items.list', 0.0002);
    live.observeQuery('items.list', 0.08);
    clock.advance(2_000);
    live.observeQuery('conversations.insert', 0.3);
    expect(live.queryTotals('1m')).toMatchObject({ count: 3, maxMs: 300 });
    expect(live.slowQueries('1m')).toEqual([
      { operation: 'conversations.insert', ms: 300, at: clock.now() },
      { operation: 'items.list', ms: 80, at: clock.now() - 2_000 },
    ]);
    clock.advance(59_000);
    expect(live.slowQueries('1m').map((q) => q.operation)).toEqual(['conversations.insert']);
  });
});

describe('LiveWindows expiry (injected clock)', () => {
  const count = (live: LiveWindows, window: WindowName) => live.requestTotals(window, bounds).count;

  it('keeps an observation for exactly 60 one-second slots in 1m and 300 in 5m', () => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now });
    live.observeRequest('GET', '/x', 200, 0.001);
    clock.advance(59_000);
    expect([count(live, '1m'), count(live, '5m')]).toEqual([1, 1]);
    clock.advance(1_000);
    expect([count(live, '1m'), count(live, '5m')]).toEqual([0, 1]);
    clock.advance(239_000);
    expect(count(live, '5m')).toBe(1);
    clock.advance(1_000);
    expect([count(live, '5m'), count(live, '1h')]).toEqual([0, 1]);
  });

  it('keeps an observation in 1h for 60 one-minute slots, and forgets everything after a long jump', () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 10, 0, 30));
    const live = new LiveWindows({ now: clock.now });
    live.observeRequest('GET', '/x', 500, 0.001);
    clock.set(Date.UTC(2026, 0, 5, 10, 59, 59, 999));
    expect(live.requestTotals('1h', bounds)).toMatchObject({ count: 1, errors5xx: 1, maxMs: 1 });
    clock.set(Date.UTC(2026, 0, 5, 11, 0, 0));
    expect(count(live, '1h')).toBe(0);
    live.observeRequest('GET', '/x', 200, 0.001);
    clock.advance(10 * 3_600_000);
    expect([count(live, '1m'), count(live, '5m'), count(live, '1h')]).toEqual([0, 0, 0]);
    expect(live.routeFigures('1h')).toEqual([]);
  });

  it('expires the oldest slots one by one as the window slides', () => {
    const clock = manualClock();
    const live = new LiveWindows({ now: clock.now });
    for (let s = 0; s < 90; s++) {
      live.observeRequest('GET', '/x', 200, (s + 1) / 1000); // second s takes s+1 ms
      clock.advance(1_000);
    }
    // Now in second 90: the 1m window holds seconds 31..89 (59 closed) and the empty current one.
    const figures = live.requestTotals('1m', bounds);
    expect(figures).toMatchObject({ count: 59, maxMs: 90, peakRps: 1 });
    expect(figures.p50Ms).toBeCloseTo(61, 0);
    expect(live.requestTotals('5m', bounds).count).toBe(90);
  });
});

describe('LiveWindows hour figures (for the rollups)', () => {
  it('reports each route and all requests per clock hour, the previous hour still complete after it ends', () => {
    const clock = manualClock(Date.UTC(2026, 0, 5, 9, 59, 58));
    const live = new LiveWindows({ now: clock.now });
    const hour9 = Date.UTC(2026, 0, 5, 9);
    const hour10 = Date.UTC(2026, 0, 5, 10);
    for (let i = 0; i < 3; i++) live.observeRequest('GET', '/v1/a', 200, 0.01);
    clock.advance(1_000);
    live.observeRequest('GET', '/v1/b', 404, 0.02);
    clock.set(hour10 + 500);
    live.observeRequest('GET', '/v1/a', 200, 0.03);
    clock.set(hour10 + 50 * 60_000);
    const previous = live.hourFigures(hour9);
    expect(previous.map((h) => [h.method, h.route, h.stats.count, h.stats.errors4xx, h.stats.peakPerSecond, h.counts.total])).toEqual([
      ['*', '*', 4, 1, 3, 4],
      ['GET', '/v1/a', 3, 0, 3, 3],
      ['GET', '/v1/b', 1, 1, 1, 1],
    ]);
    expect(live.hourFigures(hour10).map((h) => [h.route, h.stats.count, h.stats.maxMicros])).toEqual([
      ['*', 1, 30_000],
      ['/v1/a', 1, 30_000],
    ]);
  });
});
