/**
 * Availability that sees downtime: runs and heartbeats in SQLite, gaps after a crash count as downtime, gaps
 * after a clean stop as maintenance (excluded), and the SLA report combines uptime with the 5xx share.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { summarize } from '../../server/kpi/uptime-recorder.js';
import { openConfiguredStore } from '../../server/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const run = (id: number, started_at: number, last_seen_at: number, stopped_at: number | null = null) => ({ id, started_at, last_seen_at, stopped_at });

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

  it('a clean stop and restart leaves availability whole', async () => {
    server = await startTestServer();
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir, databaseUrl: server.config.databaseUrl });
    const { availability } = (await server.request('/v1/admin/sla', { token: TEST_ADMIN_KEY })).json;
    expect(availability.uptime).toMatchObject({ downtime_seconds: 0, incidents: 0 });
    expect([null, 1]).toContain(availability.uptime.ratio);
  });
});
