/**
 * metricsRollups and uptime on both engines, same scenarios: rollup rows replaced whole on upsert (a batch in
 * one transaction, writers at once in any order without deadlock, a histogram kept byte for byte), read back
 * per hour and per range in (hour, method, route) order, all-request totals and peaks; uptime runs numbered,
 * beating and stopping, and the runs a period needs (those alive in it, and the one before).
 */
import { beforeEach, expect, it } from 'vitest';
import type { MetricsRollupRow } from '../../server/store/metrics-rollups-repo.js';
import type { Store } from '../../server/store/store.js';
import { describeBothEngines } from './both-engines.js';

const H = 1_772_323_200;

const rollup = (hour_start: number, method: string, route: string, count: number, extra: Partial<MetricsRollupRow> = {}): MetricsRollupRow => ({
  hour_start, method, route, count, errors_4xx: 1, errors_5xx: count > 5 ? 2 : 0, sum_ms: count * 1.25, max_ms: 9.5,
  p50_ms: 1.5, p95_ms: null, p99_ms: 8.75, max_rps: count, histogram: null, histogram_layout: null, updated_at: hour_start + 60, instance: '', ...extra,
});

describeBothEngines('metrics rollups and uptime', ({ openAnother }) => {
  let store: Store;
  beforeEach(async () => {
    // A store of its own per test: counts, orders and ids start from nothing.
    store = await openAnother();
  });

  it('upserts rollups whole and reads them per hour and range in order', async () => {
    await store.metricsRollups.upsert([]);
    const histogram = Buffer.from([0, 1, 2, 250, 255, 0]);
    await store.metricsRollups.upsert([
      rollup(H, '*', '*', 10, { histogram, histogram_layout: 'hdr-v1' }),
      rollup(H, 'POST', '/v1/chat/completions', 4),
      rollup(H, 'GET', '/v1/models', 6),
      rollup(H, 'GET', '/V1/Upper', 1),
      rollup(H + 3600, '*', '*', 3),
    ]);
    const hour = await store.metricsRollups.hour(H);
    expect(hour).toHaveLength(4);
    const all = hour.find((row) => row.route === '*')!;
    expect(all).toEqual(rollup(H, '*', '*', 10, { histogram, histogram_layout: 'hdr-v1' }));
    expect(Buffer.isBuffer(all.histogram)).toBe(true);
    // Replaced whole: a later flush of the same hour and route.
    await store.metricsRollups.upsert([rollup(H, 'GET', '/v1/models', 8, { p95_ms: 4.5, histogram: Buffer.from([7]), histogram_layout: 'hdr-v1' })]);
    const between = await store.metricsRollups.between(H, H + 7200);
    expect(between.map((row) => [row.hour_start, row.method, row.route])).toEqual([
      [H, '*', '*'], [H, 'GET', '/V1/Upper'], [H, 'GET', '/v1/models'], [H, 'POST', '/v1/chat/completions'], [H + 3600, '*', '*'],
    ]);
    expect(between[2]).toEqual(rollup(H, 'GET', '/v1/models', 8, { p95_ms: 4.5, histogram: Buffer.from([7]), histogram_layout: 'hdr-v1' }));
    expect(await store.metricsRollups.between(H + 1, H + 3600)).toEqual([]);
    expect(await store.metricsRollups.totals(H, H + 7200)).toEqual({ count: 13, errors_5xx: 2 });
    expect(await store.metricsRollups.totals(H + 7200, H + 9000)).toEqual({ count: 0, errors_5xx: 0 });
    expect(await store.metricsRollups.hourlyPeaks(H, H + 7200)).toEqual([{ hour_start: H, max_rps: 10 }, { hour_start: H + 3600, max_rps: 3 }]);
  });

  it('writes a batch all or nothing', async () => {
    const bad = { ...rollup(H, 'GET', '/b', 1), count: null as unknown as number }; // NOT NULL
    await expect(store.metricsRollups.upsert([rollup(H, 'GET', '/a', 1), bad])).rejects.toThrow();
    expect(await store.metricsRollups.hour(H)).toEqual([]);
  });

  it('upserts two batches of the same rows in opposite orders at once (no deadlock)', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => rollup(H + (i % 3) * 3600, 'GET', `/r${i % 10}`, 1));
    await Promise.all([store.metricsRollups.upsert(rows), store.metricsRollups.upsert([...rows].reverse())]);
    expect(await store.metricsRollups.between(H, H + 3 * 3600)).toHaveLength(30);
  });

  it('records runs with heartbeats and clean stops, and returns the runs a period needs', async () => {
    const first = await store.uptime.start(100);
    await store.uptime.beat(first, 160);
    await store.uptime.stop(first, 170);
    const second = await store.uptime.start(500);
    await store.uptime.beat(second, 560);
    const third = await store.uptime.start(1000); // the second died without a stop
    expect([typeof first, second > first, third > second]).toEqual(['number', true, true]);
    expect(await store.uptime.since(0)).toEqual([
      { id: first, started_at: 100, last_seen_at: 170, stopped_at: 170, instance: '' },
      { id: second, started_at: 500, last_seen_at: 560, stopped_at: null, instance: '' },
      { id: third, started_at: 1000, last_seen_at: 1000, stopped_at: null, instance: '' },
    ]);
    // From 600: the third is alive in it, the second is the last one before.
    expect((await store.uptime.since(600)).map((run) => run.id)).toEqual([second, third]);
    // From 560: the second was seen at 560 itself, so the one before is the first.
    expect((await store.uptime.since(560)).map((run) => run.id)).toEqual([first, second, third]);
    expect((await store.uptime.since(2000)).map((run) => run.id)).toEqual([third]);
  });
});
