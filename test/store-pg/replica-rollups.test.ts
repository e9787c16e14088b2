/**
 * Several replicas on one database (migration 014), on both engines: two stores open on the same database (one
 * SQLite file, or one PostgreSQL database), each with its own KpiRollups and UptimeRecorder under its own
 * instance id. Both replicas' counts survive each other's writes, readers merge them (histograms: exact
 * percentiles; peaks add up), and availability sees the service up while either replica is. Also: rows from
 * before migration 014 are kept (instance '').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KpiRollups } from '../../server/kpi/kpi-rollups.js';
import { SlaService } from '../../server/kpi/sla-service.js';
import { UptimeRecorder } from '../../server/kpi/uptime-recorder.js';
import { LiveWindows } from '../../server/metrics/live-windows.js';
import { migrate, migrations } from '../../server/store/migrate.js';
import { migratePostgres, pgMigrations } from '../../server/store/postgres/pg-migrate.js';
import { createPgPool } from '../../server/store/postgres/pg-pool.js';
import { openPostgresStore } from '../../server/store/postgres/pg-store.js';
import { openStore, type Store } from '../../server/store/store.js';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';

const hour9 = Date.UTC(2026, 2, 3, 9);
const H9 = hour9 / 1000;

function clockAt(start: number) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

describe.each(['sqlite', 'postgres'] as const)('replicas on one database (%s)', (engine) => {
  let server: PostgresServer | undefined;
  const folders: string[] = [];
  const opened: Store[] = [];

  /** Two stores on one fresh database, as two replicas have. */
  async function twoReplicas(): Promise<[Store, Store]> {
    let open: () => Promise<Store>;
    if (engine === 'sqlite') {
      const folder = mkdtempSync(join(tmpdir(), 'jan-replicas-'));
      folders.push(folder);
      open = async () => openStore({ file: join(folder, 'jan.db') });
    } else {
      const url = await server!.createDatabase();
      open = () => openPostgresStore({ url });
    }
    const pair: [Store, Store] = [await open(), await open()];
    opened.push(...pair);
    return pair;
  }

  beforeAll(async () => {
    if (engine === 'postgres') server = await startPostgres();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  afterAll(async () => {
    await server?.stop();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps a row per instance for one hour and route, and adds the instances up in totals and peaks', async () => {
    const [a, b] = await twoReplicas();
    const row = (instance: string, count: number, max_rps: number) => ({
      hour_start: H9, method: '*', route: '*', count, errors_4xx: 0, errors_5xx: 1, sum_ms: count, max_ms: 2, p50_ms: 1,
      p95_ms: 1, p99_ms: 2, max_rps, histogram: null, histogram_layout: null, updated_at: H9 + 60, instance,
    });
    await a.metricsRollups.upsert([row('a:1', 10, 4)]);
    await b.metricsRollups.upsert([row('b:1', 7, 3)]);
    await a.metricsRollups.upsert([row('a:1', 12, 5)]); // a's later flush replaces only a's row
    expect((await a.metricsRollups.hour(H9)).map((r) => [r.instance, r.count])).toEqual([['a:1', 12], ['b:1', 7]]);
    expect((await b.metricsRollups.hour(H9, 'b:1')).map((r) => [r.instance, r.count])).toEqual([['b:1', 7]]);
    expect(await b.metricsRollups.hour(H9, 'c:1')).toEqual([]);
    expect(await b.metricsRollups.between(H9, H9 + 3600)).toHaveLength(2);
    expect(await b.metricsRollups.totals(H9, H9 + 3600)).toEqual({ count: 19, errors_5xx: 2 });
    expect(await a.metricsRollups.hourlyPeaks(H9, H9 + 3600)).toEqual([{ hour_start: H9, max_rps: 8 }]);
  });

  it('two replicas flushing the same hour and route keep both counts; each reads the merged hour', async () => {
    const [storeA, storeB] = await twoReplicas();
    const clock = clockAt(hour9 + 10 * 60_000);
    const liveA = new LiveWindows({ now: clock.now });
    const liveB = new LiveWindows({ now: clock.now });
    const a = new KpiRollups(storeA.metricsRollups, liveA, { intervalMs: 3_600_000, instance: 'a:1337' });
    const b = new KpiRollups(storeB.metricsRollups, liveB, { intervalMs: 3_600_000, instance: 'b:1337' });
    // Durations under 256 µs are exact in the histogram: a serves 99 fast requests, b one slow failing one.
    for (let i = 0; i < 99; i++) liveA.observeRequest('GET', '/v1/a', 200, 0.0001);
    liveB.observeRequest('GET', '/v1/a', 500, 0.5);
    // Interleaved flushes: before migration 014 each wrote its own counts over the other's row.
    await a.flush();
    await b.flush();
    clock.set(hour9 + 11 * 60_000);
    liveB.observeRequest('GET', '/v1/a', 200, 0.0002);
    await b.flush();
    await a.flush();
    const stored = await storeA.metricsRollups.hour(H9);
    expect(stored.filter((r) => r.route === '/v1/a').map((r) => [r.instance, r.count, r.errors_5xx])).toEqual([['a:1337', 99, 0], ['b:1337', 2, 1]]);
    expect(await storeB.metricsRollups.totals(H9, H9 + 3600)).toEqual({ count: 101, errors_5xx: 1 });

    // Either replica's view of the current hour: its own live figures plus the other's stored row.
    for (const view of [a, b]) {
      const route = (await view.hourRollups(hour9)).find((r) => r.route === '/v1/a')!;
      // 101 requests: p50 and p95 fast (99 of them), the max the slow one; peaks add up (99 + 1).
      expect(route).toMatchObject({ count: 101, errors5xx: 1, p50Ms: 0.1, p95Ms: 0.1, maxMs: 500, peakRps: 100 });
    }

    // The history: one row per hour and route, whichever replica answers, also once the hour is over.
    const uptime = new UptimeRecorder(storeA.uptime, clock.now, 60_000, 'a:1337');
    clock.set(hour9 + 65 * 60_000);
    const history = await new SlaService(liveA, a, storeA.metricsRollups, uptime).history(2);
    await b.settle();
    const again = await new SlaService(liveA, a, storeA.metricsRollups, uptime).history(2);
    for (const { rows } of [history, again]) {
      const routeRows = rows.filter((r) => r.hour_start === hour9 && r.route === '/v1/a');
      expect(routeRows).toHaveLength(1);
      expect(routeRows[0]).toMatchObject({ count: 101, errors_5xx: 1, p50_ms: 0.1, max_ms: 500, peak_rps: 100 });
    }
    await a.close();
    await b.close();
  });

  it('availability: the service is up while either replica is; a crash of one is not downtime', async () => {
    const [storeA, storeB] = await twoReplicas();
    const clock = clockAt(hour9);
    const a = new UptimeRecorder(storeA.uptime, clock.now, 60_000, 'a:1337');
    const b = new UptimeRecorder(storeB.uptime, clock.now, 60_000, 'b:1337');
    await a.start();
    clock.set(hour9 + 30_000);
    await b.start();
    // b dies without a stop one minute later (its last sign of life), while a goes on.
    await storeB.uptime.beat((await storeB.uptime.since(0)).find((r) => r.instance === 'b:1337')!.id, H9 + 90);
    clock.set(hour9 + 600_000);
    const fromA = await a.summary(hour9);
    expect(fromA).toMatchObject({ observed_seconds: 600, downtime_seconds: 0, maintenance_seconds: 0, incidents: 0, ratio: 1 });

    // a stops cleanly at 10 min; b restarts at 15 min: the whole service was stopped, planned.
    await a.stop();
    clock.set(hour9 + 900_000);
    const b2 = new UptimeRecorder(storeB.uptime, clock.now, 60_000, 'b:1337');
    await b2.start();
    clock.set(hour9 + 1_000_000);
    expect(await b2.summary(hour9)).toMatchObject({ observed_seconds: 700, downtime_seconds: 0, maintenance_seconds: 300, incidents: 0 });

    // b2 beats; a restarts and asks while b2's heartbeat is not yet due: b2 is alive, no gap between them.
    await storeB.uptime.beat((await storeB.uptime.since(0)).at(-1)!.id, H9 + 1000);
    clock.set(hour9 + 1_050_000);
    const a2 = new UptimeRecorder(storeA.uptime, clock.now, 60_000, 'a:1337');
    await a2.start();
    expect(await a2.summary(hour9)).toMatchObject({ downtime_seconds: 0, maintenance_seconds: 300, incidents: 0 });
    await Promise.all([b2.stop(), a2.stop()]);
  });

  it('keeps the rollup rows written before migration 014 (instance \'\')', async () => {
    const row = [H9, '*', '*', 5, 0, 0, 5, 1, 1, 1, 1, 2, 60];
    let store: Store;
    if (engine === 'sqlite') {
      const folder = mkdtempSync(join(tmpdir(), 'jan-replicas-'));
      folders.push(folder);
      const db = new Database(join(folder, 'jan.db'));
      migrate(db, migrations.filter((m) => m.version <= 13));
      db.prepare(`INSERT INTO metrics_rollups (hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms, p99_ms, max_rps, updated_at)
        VALUES (${row.map(() => '?').join(', ')})`).run(...row);
      db.close();
      store = openStore({ file: join(folder, 'jan.db') });
    } else {
      const url = await server!.createDatabase();
      const pool = createPgPool({ url });
      try {
        await migratePostgres(pool, pgMigrations.filter((m) => m.version <= 13));
        await pool.query(`INSERT INTO metrics_rollups (hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms, p99_ms, max_rps, updated_at)
          VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
      } finally {
        await pool.end();
      }
      store = await openPostgresStore({ url });
    }
    opened.push(store);
    expect((await store.metricsRollups.hour(H9)).map((r) => [r.instance, r.count])).toEqual([['', 5]]);
    await store.metricsRollups.upsert([{ ...(await store.metricsRollups.hour(H9))[0]!, instance: 'a:1337', count: 3 }]);
    expect(await store.metricsRollups.totals(H9, H9 + 3600)).toEqual({ count: 8, errors_5xx: 0 });
  });
});
