/**
 * Settings over HTTP (`/v1/admin/settings`): every option with its source, saved changes validated by the config
 * schema, live ones changing the running server at once, restart-required ones waiting for (and surviving) a real
 * restart on the same data folder, and the refusals: invalid values, env/flag-set keys, non-admins, non-JSON
 * bodies, cross-origin cookie writes, a restart nobody can perform.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigWithSources } from '../../server/config/load-config.js';
import { configSchema } from '../../server/config/schema.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../server/start-server.js';
import { expectError } from '../support/error-envelope.js';
import { readResponse, TEST_ADMIN_KEY, type TestResponse } from '../support/test-server.js';

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const JSON_TYPE = { 'content-type': 'application/json' };

/** A real server on `dataDir`, configured as the CLI would be: the environment given, flags for the test's needs. */
async function start(dataDir: string, env: Record<string, string> = {}, options: Pick<StartServerOptions, 'requestRestart'> = {}) {
  const loaded = loadConfigWithSources({
    argv: ['--port', '0', '--log-level', 'silent', '--api-key', TEST_ADMIN_KEY],
    env,
    platform: { dataDir, cwd: dataDir },
  });
  return startServer(loaded, { logger: pino({ level: 'silent' }), ...options });
}

function client(server: RunningServer) {
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<TestResponse> => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    const headers = { ...(body !== undefined && JSON_TYPE), ...admin, ...init.headers };
    return readResponse(await fetch(server.url + path, { method: init.method ?? 'GET', headers, body }));
  };
}

const patch = (values: Record<string, unknown>) => ({ method: 'PATCH', body: { values } });
const entry = (list: TestResponse, name: string) => (list.json.data as Array<{ name: string }>).find((s) => s.name === name) as Record<string, unknown>;

describe('/v1/admin/settings', () => {
  let dataDir: string;
  let server: RunningServer;
  let request: ReturnType<typeof client>;
  let guest: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-settings-'));
    server = await start(dataDir, { JAN_RATE_SOFT_LIMIT: '900' });
    request = client(server);
    const login = await request('/auth/guest-login', { method: 'POST', body: {}, headers: { authorization: '' } });
    guest = login.json.access_token;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists every option of the schema, grouped, with its source, default and whether it applies live', async () => {
    const list = await request('/v1/admin/settings');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ object: 'list', restart_required: false, restart_available: false });
    expect(list.json.data.map((s: { name: string }) => s.name)).toEqual(Object.keys(configSchema));
    expect(entry(list, 'rateHardLimit')).toEqual({
      object: 'setting', name: 'rateHardLimit', env: 'JAN_RATE_HARD_LIMIT', flag: '--rate-hard-limit',
      group: 'Limits, response cache, data lifecycle, backups', description: configSchema.rateHardLimit.description,
      value: 5000, source: 'default', default: 5000, default_doc: '`5000`', saved_value: null, choices: null,
      live: true, editable: true, locked_by: null, secret: false, is_set: true, pending_restart: false,
    });
    expect(entry(list, 'rateSoftLimit')).toMatchObject({ value: 900, source: 'env', default: 1000, editable: false, locked_by: 'env' });
    expect(entry(list, 'port')).toMatchObject({ group: 'Server', source: 'flag', editable: false, locked_by: 'flag', live: false });
    expect(entry(list, 'dataDir')).toMatchObject({ source: 'default', editable: false, locked_by: 'not_savable' });
    expect(entry(list, 'gpu')).toMatchObject({ choices: ['auto', 'off'], live: false, editable: true });
    expect(entry(list, 'auth')).toMatchObject({ choices: ['on', 'off'], value: true });
    // A secret: whether it is set, never its value (here it came as a flag).
    expect(entry(list, 'apiKey')).toMatchObject({ secret: true, is_set: true, value: null, default: null, saved_value: null, editable: false });
    expect(list.text).not.toContain(TEST_ADMIN_KEY);
  });

  it('applies a live option at once: a lower per-client rate refuses the next burst, removing it restores the default', async () => {
    const saved = await request('/v1/admin/settings', patch({ clientRateLimit: 2 }));
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ applied: ['clientRateLimit'], pending_restart: [], restart_required: false });
    expect(entry(saved, 'clientRateLimit')).toMatchObject({ value: 2, source: 'saved', saved_value: '2', pending_restart: false });

    const burst = async () => Promise.all(Array.from({ length: 6 }, () => fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${guest}` } })));
    const limited = await burst();
    expect(limited.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(limited.find((r) => r.status === 429)!.headers.get('x-ratelimit-limit-requests')).toBe('2');

    const removed = await request('/v1/admin/settings', patch({ clientRateLimit: null }));
    expect(entry(removed, 'clientRateLimit')).toMatchObject({ value: 5000, source: 'default', saved_value: null });
    expect((await burst()).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('turns the response cache off live', async () => {
    expect(server.services.responseCache.enabled).toBe(true);
    await request('/v1/admin/settings', patch({ responseCacheBytes: '0' }));
    expect(server.services.responseCache.enabled).toBe(false);
    await request('/v1/admin/settings', patch({ responseCacheBytes: null }));
    expect(server.services.responseCache.enabled).toBe(true);
  });

  it('refuses an invalid value with the schema\'s message, and saves nothing of that request', async () => {
    const bad = await request('/v1/admin/settings', patch({ clientRateLimit: 10, rateHardLimit: 'lots' }));
    expectError(bad, 400, {
      type: 'invalid_request_error', code: 'invalid_setting_value', param: 'values.rateHardLimit',
      message: 'Invalid value for rateHardLimit (JAN_RATE_HARD_LIMIT): must be a whole decimal number',
    });
    const outOfRange = await request('/v1/admin/settings', patch({ backupKeep: 0 }));
    expectError(outOfRange, 400, { type: 'invalid_request_error', code: 'invalid_setting_value', param: 'values.backupKeep', message: /backupKeep.*>=1|too small/i });
    expectError(await request('/v1/admin/settings', patch({ gpu: 'cuda' })), 400, { type: 'invalid_request_error', code: 'invalid_setting_value', param: 'values.gpu' });
    expect(entry(await request('/v1/admin/settings'), 'clientRateLimit')).toMatchObject({ value: 5000, saved_value: null });
  });

  it('refuses unknown keys, options only flags and env can set, and combinations the loader would refuse', async () => {
    expectError(await request('/v1/admin/settings', patch({ nope: 1 })), 400, { type: 'invalid_request_error', code: 'unknown_setting', param: 'values.nope' });
    expectError(await request('/v1/admin/settings', patch({ dataDir: '/tmp/x' })), 400, {
      type: 'invalid_request_error', code: 'setting_not_savable', param: 'values.dataDir', message: /--data-dir or JAN_DATA_DIR/,
    });
    expectError(await request('/v1/admin/settings', patch({ apiKey: 'x'.repeat(20) })), 409, { type: 'conflict_error', code: 'setting_locked', param: 'values.apiKey' });
    expectError(await request('/v1/admin/settings', patch({ host: '0.0.0.0', auth: false })), 400, {
      type: 'invalid_request_error', code: 'invalid_setting_combination', param: 'values', message: /authentication off/,
    });
    expectError(await request('/v1/admin/settings', { method: 'PATCH', body: { values: {} } }), 400, {
      type: 'invalid_request_error', code: 'invalid_value', param: 'values', message: "Invalid 'values': name at least one setting",
    });
  });

  it('refuses to change a value set by the environment or a flag (409)', async () => {
    expectError(await request('/v1/admin/settings', patch({ rateSoftLimit: 10 })), 409, {
      type: 'conflict_error', code: 'setting_locked', param: 'values.rateSoftLimit', message: /environment \(JAN_RATE_SOFT_LIMIT\)/,
    });
    expectError(await request('/v1/admin/settings', patch({ port: 8080 })), 409, { type: 'conflict_error', code: 'setting_locked', param: 'values.port', message: /--port flag/ });
  });

  it('is for admins only, takes only JSON, and refuses cookie writes from another origin', async () => {
    expectError(await request('/v1/admin/settings', { headers: { authorization: `Bearer ${guest}` } }), 403, { type: 'permission_error', code: 'forbidden' });
    expectError(await request('/v1/admin/settings', { ...patch({ backupKeep: 4 }), headers: { authorization: `Bearer ${guest}` } }), 403, { type: 'permission_error', code: 'forbidden' });
    expectError(await request('/v1/admin/settings', { method: 'GET', headers: { authorization: '' } }), 401, { type: 'authentication_error', code: expect.any(String) as unknown as string });
    const text = await request('/v1/admin/settings', { method: 'PATCH', body: '{"values":{"backupKeep":4}}', headers: { 'content-type': 'text/plain' } });
    expectError(text, 415, { type: 'invalid_request_error', code: 'unsupported_media_type' });

    const res = await fetch(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`, { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jan_session='))!.split(';')[0]!;
    const forged = await request('/v1/admin/settings', { ...patch({ backupKeep: 4 }), headers: { authorization: '', cookie, origin: 'http://evil.example' } });
    expectError(forged, 403, { type: 'permission_error', code: 'forbidden', message: /origin/i });
    const own = await request('/v1/admin/settings', { ...patch({ backupKeep: null }), headers: { authorization: '', cookie, origin: server.url } });
    expect(own.status).toBe(200);
    expect(entry(await request('/v1/admin/settings'), 'backupKeep')).toMatchObject({ saved_value: null });
  });

  it('answers 409 to a restart request when nothing can restart the server (npm start)', async () => {
    expectError(await request('/v1/admin/settings/restart', { method: 'POST' }), 409, { type: 'conflict_error', code: 'restart_unavailable', message: /npm start/ });
  });
});

describe('restart-required settings', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-settings-restart-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('waits for a restart, asks the parent for one, and holds across a real restart on the same data folder', async () => {
    const restarts: string[] = [];
    const first = await start(dataDir, {}, { requestRestart: () => restarts.push('restart') });
    const request = client(first);
    const saved = await request('/v1/admin/settings', patch({ backupKeep: 7, dbSynchronous: 'full', guestLogin: 'off' }));
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ applied: ['guestLogin'], pending_restart: ['backupKeep', 'dbSynchronous'], restart_required: true, restart_available: true });
    expect(entry(saved, 'backupKeep')).toMatchObject({ value: 3, source: 'default', saved_value: '7', pending_restart: true });
    // guest login off applies at once
    expect((await request('/auth/guest-login', { method: 'POST', body: {}, headers: { authorization: '' } })).status).toBe(403);

    const accepted = await request('/v1/admin/settings/restart', { method: 'POST' });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({ object: 'restart', status: 'restarting' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(restarts).toEqual(['restart']);
    await first.close();

    const second = await start(dataDir);
    try {
      const list = await client(second)('/v1/admin/settings');
      expect(list.json.restart_required).toBe(false);
      expect(entry(list, 'backupKeep')).toMatchObject({ value: 7, source: 'saved', saved_value: '7', pending_restart: false });
      expect(entry(list, 'dbSynchronous')).toMatchObject({ value: 'full', source: 'saved' });
      expect(entry(list, 'guestLogin')).toMatchObject({ value: 'off', source: 'saved' });
      expect(second.services.backups).toBeDefined();
    } finally {
      await second.close();
    }
    // The environment wins over a saved value: it shows as env, and the saved one stays for when env is gone.
    const third = await start(dataDir, { JAN_BACKUP_KEEP: '2' });
    try {
      const list = await client(third)('/v1/admin/settings');
      expect(entry(list, 'backupKeep')).toMatchObject({ value: 2, source: 'env', saved_value: '7', editable: false, locked_by: 'env', pending_restart: false });
    } finally {
      await third.close();
    }
  });
});
