/**
 * KpiRollups over a real SQLite store with an injected clock: the current hour is written on flush, the
 * previous hour once more after it ends, and a restart within the hour merges the stored rows (histograms
 * included) with the new run's figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveWindows } from '../../server/metrics/live-windows.js';
import { KpiRollups } from '../../server/kpi/kpi-rollups.js';
import { openStore, type Store } from '../../server/store/store.js';

const hour9 = Date.UTC(2026, 2, 3, 9);
const hour10 = Date.UTC(2026, 2, 3, 10);

function clockAt(start: number) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

describe('KpiRollups', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-rollups-'));
    store = openStore({ file: join(dir, 'jan.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (hourStart: number) =>
    (await store.metricsRollups.hour(hourStart / 1000)).map((r) => [r.method, r.route, r.count, r.errors_5xx, r.max_rps, r.p50_ms]);

  it('writes the current hour, then finishes the previous one after the hour changes', async () => {
    const clock = clockAt(hour9 + 30 * 60_000);
    const live = new LiveWindows({ now: clock.now });
    const rollups = new KpiRollups(store.metricsRollups, live, { intervalMs: 3_600_000 });
    live.observeRequest('GET', '/v1/a', 200, 0.0002);
    live.observeRequest('GET', '/v1/a', 503, 0.0002);
    await rollups.flush();
    expect(await stored(hour9)).toEqual([['*', '*', 2, 1, 2, 0.2], ['GET', '/v1/a', 2, 1, 2, 0.2]]);

    clock.set(hour9 + 59 * 60_000 + 59_000);
    live.observeRequest('GET', '/v1/a', 200, 0.008); // after the last write of hour 9
    clock.set(hour10 + 5 * 60_000);
    live.observeRequest('GET', '/v1/b', 200, 0.001);
    await rollups.flush();
    expect((await stored(hour9)).map((r) => r.slice(0, 3))).toEqual([['*', '*', 3], ['GET', '/v1/a', 3]]);
    expect((await stored(hour10)).map((r) => r.slice(0, 3))).toEqual([['*', '*', 1], ['GET', '/v1/b', 1]]);
    await rollups.close();
  });

  it('merges a restart within the hour with what was stored (exact percentiles from both runs)', async () => {
    const clock = clockAt(hour9 + 10 * 60_000);
    const first = new LiveWindows({ now: clock.now });
    const before = new KpiRollups(store.metricsRollups, first, { intervalMs: 3_600_000 });
    for (let i = 0; i < 99; i++) first.observeRequest('GET', '/v1/a', 200, 0.0001);
    await before.close();

    clock.set(hour9 + 20 * 60_000);
    const second = new LiveWindows({ now: clock.now });
    const after = new KpiRollups(store.metricsRollups, second, { intervalMs: 3_600_000 });
    second.observeRequest('GET', '/v1/a', 500, 0.5);
    const route = (await after.hourRollups(hour9)).find((r) => r.route === '/v1/a')!;
    // 99 fast requests from the first run and one slow one now: p50 fast, p99 fast (99th of 100), max slow.
    // (Durations under 256 µs are exact in the histogram.)
    expect(route).toMatchObject({ count: 100, errors5xx: 1, p50Ms: 0.1, p99Ms: 0.1, maxMs: 500, peakRps: 99 });
    await after.close();
    expect(await stored(hour9)).toEqual([['*', '*', 100, 1, 99, 0.1], ['GET', '/v1/a', 100, 1, 99, 0.1]]);
  });

  it('a run in a later hour leaves the stored hours as they are', async () => {
    const clock = clockAt(hour9 + 1_000);
    const first = new LiveWindows({ now: clock.now });
    const before = new KpiRollups(store.metricsRollups, first, { intervalMs: 3_600_000 });
    first.observeRequest('POST', '/v1/c', 201, 0.00025);
    await before.close();
    clock.set(hour10 + 1_000);
    const after = new KpiRollups(store.metricsRollups, new LiveWindows({ now: clock.now }), { intervalMs: 3_600_000 });
    expect(await after.hourRollups(hour10)).toEqual([]);
    await after.close();
    expect(await stored(hour9)).toEqual([['*', '*', 1, 0, 1, 0.25], ['POST', '/v1/c', 1, 0, 1, 0.25]]);
    expect(await stored(hour10)).toEqual([]);
  });
});
