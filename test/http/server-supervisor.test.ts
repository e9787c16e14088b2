/**
 * electron/server-supervisor.ts against the real server process under plain Node: the `npm start` entry
 * (server/main.ts) forked with its IPC channel, as the desktop app runs it in a utility process. Ready and
 * health; a `kill -9` restarted with the data written before it intact; each refusal reported with its
 * kind and never retried; a clean stop that leaves no process; the server stopping when its parent goes.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerStartError, ServerSupervisor, type ServerFailure, type ServerReady, type SupervisorOptions } from '../../electron/server-supervisor.js';
import { execArgv, recordingSpawner, serverEntry, type RecordingSpawner } from '../electron/server-entry.js';
import { spawnServer } from '../support/server-process.js';

const ADMIN_KEY = 'supervisor-test-admin-key-0123456789';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** One start of the server's process (through tsx when the build is stale), generous for a busy machine. */
const START_TIMEOUT = 90_000;

let dataDir: string;
let spawner: RecordingSpawner;
let supervisors: ServerSupervisor[];

/** The child's environment: this one without JAN_* settings, plus the test's folder and admin key. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('JAN_') && value !== undefined) env[name] = value;
  return {
    ...env, JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(dataDir, 'models'), JAN_LOG_LEVEL: 'warn', JAN_API_KEY: ADMIN_KEY,
    JAN_BACKUP_INTERVAL_HOURS: '0', JAN_MAINTENANCE_INTERVAL_MINUTES: '0', ...extra,
  };
}

function supervise(options: Partial<SupervisorOptions> = {}): ServerSupervisor {
  const supervisor = new ServerSupervisor({
    spawn: spawner.spawn, env: childEnv(), logger: quiet, stopGraceMs: 15_000, readyTimeoutMs: START_TIMEOUT,
    restart: { initialDelayMs: 100, maxDelayMs: 1_000, maxQuickFailures: 3 }, ...options,
  });
  supervisors.push(supervisor);
  return supervisor;
}

async function refusal(start: Promise<unknown>): Promise<ServerStartError> {
  const error = await start.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ServerStartError);
  return error as ServerStartError;
}

function occupyPort(): Promise<Server> {
  return new Promise((resolve) => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1', () => resolve(blocker));
  });
}

const api = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' } });

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'jan-supervisor-'));
  spawner = recordingSpawner();
  supervisors = [];
});
afterEach(async () => {
  await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
  await spawner.killAll();
  rmSync(dataDir, { recursive: true, force: true });
}, START_TIMEOUT);

describe('server supervisor with the real server process', () => {
  it('starts the npm start entry in its own process and reports ready with a URL that answers /healthz', async () => {
    const supervisor = supervise();
    const ready = await supervisor.start(0);

    expect(ready).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), port: expect.any(Number), dashboardUrl: expect.any(String) });
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
    expect(ready.dashboardUrl).toMatch(new RegExp(`^${ready.url}/\\?token=[\\w-]{32}$`));
    expect(supervisor.current).toEqual(ready);
    expect(spawner.spawned).toHaveLength(1);
    expect(spawner.spawned[0]!.process.pid).not.toBe(process.pid);
    expect(spawner.spawned[0]!.env).toMatchObject({ JAN_PORT: '0', JAN_DATA_DIR: dataDir });
    const health = await fetch(`${ready.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  }, START_TIMEOUT);

  it('answers login-link requests with fresh one-time dashboard links that log in', async () => {
    const supervisor = supervise();
    const ready = await supervisor.start(0);
    const [first, second] = await Promise.all([supervisor.loginLink(), supervisor.loginLink()]);
    expect(first).toMatch(new RegExp(`^${ready.url}/\\?token=[\\w-]{32}$`));
    expect(new Set([first, second, ready.dashboardUrl]).size).toBe(3);
    const login = await fetch(first, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/^jan_session=/);
    expect((await fetch(first, { redirect: 'manual' })).status).not.toBe(302); // spent
  }, START_TIMEOUT);

  it('kill -9: restarts the server on the same URL, healthy again, with the data written before the kill', async () => {
    const supervisor = supervise();
    const ready = await supervisor.start(0);
    const created = await api(ready.url, '/v1/conversations', { method: 'POST', body: JSON.stringify({ title: 'before the crash', metadata: { n: '1' } }) });
    expect(created.status).toBe(200);
    const conversation = (await created.json()) as { id: string };

    const downs: Array<[ServerFailure, number]> = [];
    supervisor.on('down', (failure, delay) => downs.push([failure, delay]));
    const back = once(supervisor, 'ready') as Promise<[ServerReady, boolean]>;
    const first = spawner.spawned[0]!;
    process.kill(first.process.pid!, 'SIGKILL');
    const [again, restarted] = await back;

    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(downs).toEqual([[{ kind: 'other', message: expect.stringContaining('killed by SIGKILL') }, 100]]);
    expect(restarted).toBe(true);
    expect(again.url).toBe(ready.url);
    expect(spawner.spawned).toHaveLength(2);
    expect(spawner.spawned[1]!.env.JAN_PORT).toBe(String(ready.port)); // the port the first one had, not 0 again
    expect(await (await fetch(`${again.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const read = await api(again.url, `/v1/conversations/${conversation.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: conversation.id, title: 'before the crash', metadata: { n: '1' } });
  }, START_TIMEOUT * 2);

  it('a data folder locked by another server: data_dir_locked naming that server, and no restart', async () => {
    const other = spawnServer(dataDir);
    try {
      await other.listening;
      const supervisor = supervise();
      const failed = vi.fn();
      supervisor.on('failed', failed);
      const error = await refusal(supervisor.start(0));
      expect(error.kind).toBe('data_dir_locked');
      expect(error.message).toContain(`The data folder ${dataDir} is in use by Jan Server (pid ${other.child.pid}`);
      expect(await spawner.spawned[0]!.exit).toEqual({ code: 1, signal: null });
      // Ten times the first restart delay: a restart loop would have spawned again by now.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(spawner.spawned).toHaveLength(1);
      expect(supervisor.current).toBeUndefined();
      expect(failed).not.toHaveBeenCalled(); // the refusal went to start()'s caller, once
    } finally {
      other.child.kill('SIGTERM');
      await other.exited;
    }
  }, START_TIMEOUT * 2);

  it('a damaged database: database_unreadable with the server\'s explanation, not retried', async () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'jan.sqlite'), Buffer.alloc(8192, 'not a database '));
    const error = await refusal(supervise().start(0));
    expect(error.kind).toBe('database_unreadable');
    expect(error.message).toMatch(/^The database .*jan\.sqlite cannot be opened/);
    expect(spawner.spawned).toHaveLength(1);
  }, START_TIMEOUT);

  it('a port taken: port_in_use; started again on port 0, it runs', async () => {
    const blocker = await occupyPort();
    try {
      const taken = (blocker.address() as { port: number }).port;
      const supervisor = supervise();
      const error = await refusal(supervisor.start(taken));
      expect(error.kind).toBe('port_in_use');
      expect(error.message).toContain('EADDRINUSE');
      const ready = await supervisor.start(0);
      expect(ready.port).not.toBe(taken);
      expect(spawner.spawned.map((s) => s.env.JAN_PORT)).toEqual([String(taken), '0']);
    } finally {
      blocker.close();
    }
  }, START_TIMEOUT);

  it('an invalid setting: config, with the setting named', async () => {
    const error = await refusal(supervise({ env: childEnv({ JAN_LOG_LEVEL: 'loud' }) }).start(0));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('JAN_LOG_LEVEL');
    expect(await spawner.spawned[0]!.exit).toEqual({ code: 2, signal: null });
  }, START_TIMEOUT);

  it('stop (quitting the app): the server closes cleanly, says stopped, exits 0 and leaves no process', async () => {
    const supervisor = supervise();
    const ready = await supervisor.start(0);
    const child = spawner.spawned[0]!;
    await supervisor.stop();

    expect(await child.exit).toEqual({ code: 0, signal: null });
    expect(child.messages).toContainEqual({ type: 'stopped' });
    expect(child.alive()).toBe(false);
    expect(supervisor.current).toBeUndefined();
    await expect(fetch(`${ready.url}/healthz`)).rejects.toThrow();
    // The data folder is free again: the next start (the app opened again) takes it.
    const next = supervise();
    await expect(next.start(0)).resolves.toMatchObject({ url: expect.any(String) });
    expect(spawner.spawned).toHaveLength(2);
  }, START_TIMEOUT * 2);

  it('the server stops by itself when the app that started it goes away (its channel closes)', async () => {
    const child = fork(serverEntry, [], { env: { ...childEnv(), JAN_PORT: '0' }, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    try {
      const [ready] = (await once(child, 'message')) as [{ type: string; url: string }];
      expect(ready).toMatchObject({ type: 'ready', url: expect.stringMatching(/^http:/) });
      const exited = once(child, 'exit');
      child.disconnect();
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, START_TIMEOUT);
});
