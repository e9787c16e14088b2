/**
 * Availability that sees downtime: runs and heartbeats in the store, gaps after a crash count as downtime, gaps
 * after a clean stop as maintenance (excluded), and the SLA report combines uptime with the 5xx share. Runs of
 * several replicas overlap: the service is down only when no run covers the time.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { summarize } from '../../server/kpi/uptime-recorder.js';
import { openConfiguredStore } from '../../server/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const run = (id: number, started_at: number, last_seen_at: number, stopped_at: number | null = null, instance = '') => ({
  id, started_at, last_seen_at, stopped_at, instance,
});

describe('uptime summary', () => {
  it('counts the gap after a crash as downtime and the gap after a clean stop as maintenance', () => {
    const runs = [run(1, 0, 100), run(2, 160, 300, 300), run(3, 400, 1000)];
    expect(summarize(runs, 0, 1000, 3)).toEqual({
      observed_seconds: 900, downtime_seconds: 60, maintenance_seconds: 100, incidents: 1, ratio: 1 - 60 / 900,
    });
  });

  it('clips gaps to the period and starts it no earlier than the first run', () => {
    // A crash before the period: only its part inside counts; the period starts at `from`.
    expect(summarize([run(1, 0, 50), run(2, 150, 400)], 100, 400, 2)).toMatchObject({ observed_seconds: 300, downtime_seconds: 50, incidents: 1 });
    // The first run started inside the period: the time before it is not downtime.
    expect(summarize([run(1, 500, 600)], 0, 600, 1)).toMatchObject({ observed_seconds: 100, downtime_seconds: 0, ratio: 1 });
    // A run that ended without a stop and no run since: down until now.
    expect(summarize([run(1, 0, 60)], 0, 100)).toMatchObject({ downtime_seconds: 40, incidents: 1 });
    expect(summarize([], 0, 100).ratio).toBeNull();
  });

  it('merges overlapping runs of several replicas: down only when none is up', () => {
    // a: 0–500 crashed; b: 100–300 crashed inside a's run (not downtime); c: 200–600 stopped; d: 700– now.
    const runs = [run(1, 0, 500, null, 'a'), run(2, 100, 300, null, 'b'), run(3, 200, 600, 600, 'c'), run(4, 700, 1000, null, 'a')];
    // The stretch 0–600 ended with c's clean stop: 600–700 is maintenance, nothing is downtime.
    expect(summarize(runs, 0, 1000, 4)).toEqual({ observed_seconds: 900, downtime_seconds: 0, maintenance_seconds: 100, incidents: 0, ratio: 1 });
    // Had c crashed at 450 instead, a (seen at 500) ended the stretch: 500–700 is downtime, one incident.
    const crashed = [runs[0]!, runs[1]!, run(3, 200, 450, null, 'c'), runs[3]!];
    expect(summarize(crashed, 0, 1000, 4)).toEqual({ observed_seconds: 1000, downtime_seconds: 200, maintenance_seconds: 0, incidents: 1, ratio: 0.8 });
    // Listed in any order, from a period that starts inside the stretch.
    expect(summarize([...crashed].reverse(), 400, 1000, 4)).toMatchObject({ observed_seconds: 600, downtime_seconds: 200, incidents: 1 });
    // One replica crashing and another stopping in the same second: the crash is not hidden.
    expect(summarize([run(1, 0, 100, null, 'a'), run(2, 0, 100, 100, 'b'), run(3, 150, 200, null, 'a')], 0, 200, 3)).toMatchObject({ downtime_seconds: 50, maintenance_seconds: 0 });
  });

  it('another instance seen within the last heartbeats is up; an earlier run of this instance is over', () => {
    const self = { instance: 'a', aliveWithinSeconds: 120 };
    // b beat at 950, its next beat is not due: the 50 s before a's start at 1000 are not a gap.
    expect(summarize([run(1, 0, 950, null, 'b'), run(2, 1000, 1000, null, 'a')], 0, 1010, 2, self)).toMatchObject({ downtime_seconds: 0, incidents: 0 });
    // The same row of this instance (a crashed run of this host and port) is over: 50 s down.
    expect(summarize([run(1, 0, 950, null, 'a'), run(2, 1000, 1000, null, 'a')], 0, 1010, 2, self)).toMatchObject({ downtime_seconds: 50, incidents: 1 });
    // b silent for longer than that: crashed at its last heartbeat.
    expect(summarize([run(1, 0, 850, null, 'b'), run(2, 1000, 1000, null, 'a')], 0, 1010, 2, self)).toMatchObject({ downtime_seconds: 150, incidents: 1 });
  });
});

describe('SLA availability over restarts', () => {
  let server: TestServer | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await server?.close();
    await database?.drop();
    server = database = undefined;
  });

  it('a server that was down part of the month shows it, and a clean stop is not downtime', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jan-uptime-'));
    const now = Date.now();
    const d = new Date(now);
    const monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime() / 1000;
    const span = now / 1000 - monthStart;
    const at = (share: number) => Math.floor(monthStart + share * span);
    // Earlier runs of this data folder (and database): one that crashed (no stop) and one stopped cleanly.
    database = await createTestDatabase();
    const store = await openConfiguredStore({ databaseUrl: database.url, file: join(dataDir, 'jan.sqlite') });
    const crashed = await store.uptime.start(at(0.1));
    await store.uptime.beat(crashed, at(0.3));
    const stopped = await store.uptime.start(at(0.5));
    await store.uptime.stop(stopped, at(0.7));
    await store.close();

    server = await startTestServer({ dataDir, databaseUrl: database.url });
    const res = await server.request('/v1/admin/sla', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    const { availability } = res.json;
    expect(availability.uptime).toMatchObject({ incidents: 1, downtime_seconds: at(0.5) - at(0.3), maintenance_seconds: expect.any(Number) });
    expect(availability.uptime.maintenance_seconds).toBeGreaterThanOrEqual(Math.floor(0.3 * span) - 2);
    // Observed = from the first run to now, less maintenance: 0.6 of the span, of which 0.2 was down.
    expect(availability.uptime.ratio).toBeCloseTo(1 - 0.2 / 0.6, 2);
    expect(availability.requests).toEqual({ ratio: null, count: 0, errors_5xx: 0 });
    expect(availability.month_to_date).toBe(availability.uptime.ratio);
    expect(availability.error_budget_remaining).toBeCloseTo(1 - (1 - availability.month_to_date) / 0.005, 6);
    expect(availability.error_budget_remaining).toBeLessThan(0);
  });

  it('runs of other replicas that overlap count as up: only time no replica covered is downtime', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jan-uptime-'));
    const now = Date.now();
    const d = new Date(now);
    const monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime() / 1000;
    const span = now / 1000 - monthStart;
    const at = (share: number) => Math.floor(monthStart + share * span);
    database = await createTestDatabase();
    const store = await openConfiguredStore({ databaseUrl: database.url, file: join(dataDir, 'jan.sqlite') });
    // x ran 0.1–0.6 and crashed; y crashed at 0.4 inside x's run, then ran 0.7–0.9 and stopped cleanly.
    const x = await store.uptime.start(at(0.1), 'replica-x:1337');
    await store.uptime.beat(x, at(0.6));
    const y = await store.uptime.start(at(0.2), 'replica-y:1337');
    await store.uptime.beat(y, at(0.4));
    const y2 = await store.uptime.start(at(0.7), 'replica-y:1337');
    await store.uptime.stop(y2, at(0.9));
    await store.close();

    server = await startTestServer({ dataDir, databaseUrl: database.url });
    const { availability } = (await server.request('/v1/admin/sla', { token: TEST_ADMIN_KEY })).json;
    // Down 0.6–0.7 only (y's crash at 0.4 was covered by x); 0.9–now is maintenance.
    expect(availability.uptime).toMatchObject({ incidents: 1, downtime_seconds: at(0.7) - at(0.6) });
    expect(availability.uptime.ratio).toBeCloseTo(1 - 0.1 / 0.8, 2);
  });

  it('a clean stop and restart leaves availability whole', async () => {
    server = await startTestServer();
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir, databaseUrl: server.config.databaseUrl });
    const { availability } = (await server.request('/v1/admin/sla', { token: TEST_ADMIN_KEY })).json;
    expect(availability.uptime).toMatchObject({ downtime_seconds: 0, incidents: 0 });
    expect([null, 1]).toContain(availability.uptime.ratio);
  });
});
