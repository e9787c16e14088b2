import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthService } from '../../server/health/health-service.js';
import { openStore } from '../../server/store/store.js';
import { readVersion } from '../../server/version.js';
import { expectError } from '../support/error-envelope.js';
import { testEngine } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('health endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('GET /healthz answers {"status":"ok"} without credentials', async () => {
    const res = await server.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.text).toBe('{"status":"ok"}');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /readyz answers {"status":"ok"} while the database is open', async () => {
    const res = await server.request('/readyz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('GET /v1/health reports status, version, uptime and the database state', async () => {
    const res = await server.request('/v1/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: 'ok',
      version: readVersion(),
      uptime_seconds: expect.any(Number),
      database: { status: 'ok', schema_version: expect.any(Number), journal_mode: testEngine === 'sqlite' ? 'wal' : 'postgres' },
    });
    expect(res.json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(res.json.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(res.json.database.schema_version).toBeGreaterThanOrEqual(1);
  });

  it('health endpoints ignore bad credentials instead of rejecting them', async () => {
    const res = await server.request('/v1/health', { token: 'not-a-token' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-auth-method')).toBeNull();
  });

  it('health endpoints are read-only: POST is a 405', async () => {
    const res = await server.request('/healthz', { method: 'POST', body: {} });
    expectError(res, 405, { type: 'invalid_request_error', code: 'method_not_allowed' });
  });
});

describe('HealthService with the database closed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jan-health-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports unavailable and not ready once the store is closed', async () => {
    const store = openStore({ file: join(dir, 'jan.sqlite') });
    const health = new HealthService(store, '1.2.3');
    expect(await health.ready()).toBe(true);
    expect((await health.health()).status).toBe('ok');
    await store.close();
    expect(await health.ready()).toBe(false);
    expect(await health.health()).toEqual({
      status: 'unavailable',
      version: '1.2.3',
      uptime_seconds: expect.any(Number),
      database: { status: 'error', schema_version: store.schemaVersion, journal_mode: 'unknown' },
    });
  });
});
