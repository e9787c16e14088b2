/** The hourly rollups survive a restart of the server on the same data folder (written on shutdown, read back). */
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsHistory } from '../../server/api/kpi.js';
import { openServerDatabase } from '../support/server-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const admin = { token: TEST_ADMIN_KEY };

describe('metrics rollups across a restart', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    // The second server runs on the first one's folder: stop it before that folder is removed.
    for (const server of servers.reverse()) await server.close();
  });

  it('keeps the hour\'s counts and adds the new run\'s to them', async () => {
    const first = await startTestServer();
    servers.push(first);
    for (let i = 0; i < 20; i++) expect((await first.request('/v1/conversations', admin)).status).toBe(200);
    expect((await first.request('/v1/conversations/conv_nope', admin)).status).toBe(404);
    await first.stop();

    // What the shutdown wrote, read straight from the database.
    const db = await openServerDatabase(first);
    const rows = await db.all('SELECT method, route, count, errors_4xx FROM metrics_rollups ORDER BY route');
    await db.close();
    expect(rows).toEqual([
      { method: '*', route: '*', count: 21, errors_4xx: 1 },
      { method: 'GET', route: '/v1/conversations', count: 20, errors_4xx: 0 },
      { method: 'GET', route: '/v1/conversations/:id', count: 1, errors_4xx: 1 },
    ]);

    // The same data folder, and the same database when it is PostgreSQL.
    const second = await startTestServer({ dataDir: first.dataDir, databaseUrl: first.config.databaseUrl });
    servers.push(second);
    for (let i = 0; i < 5; i++) await second.request('/v1/conversations', admin);
    const history = MetricsHistory.parse((await second.request('/v1/admin/metrics/history?hours=2', admin)).json);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    // The restart may cross an hour boundary: sum over the rows of both hours.
    const total = (route: string) => history.rows.filter((r) => r.route === route && r.hour_start <= hour).reduce((n, r) => n + r.count, 0);
    expect([total('*'), total('/v1/conversations'), total('/v1/conversations/:id')]).toEqual([26, 25, 1]);
    expect(history.rows.find((r) => r.route === '/v1/conversations' && r.hour_start === hour)!.p95_ms).not.toBeNull();
  });
});
