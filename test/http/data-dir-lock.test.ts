/**
 * One process per data folder (server/lifecycle/data-dir-lock.ts), with real server processes: a second
 * `npm start` on the folder refuses with one paragraph naming the first, which keeps serving; `npm run
 * restore` refuses while the server runs even when every file that names it is deleted; after SIGKILL of
 * the server (the OS drops its lock) restore works and a new server starts. Also in one process: a second
 * startServer on the folder throws DataDirInUseError.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '../../server/lifecycle/index.js';
import { startServer } from '../../server/start-server.js';
import { runRestore, spawnServer, type ServerProcess } from '../support/server-process.js';
import { startTestServer } from '../support/test-server.js';

const KEY = 'lock-test-admin-key-0123456789';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const STARTED = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC';

async function titles(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/conversations?order=asc`, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { title: string }[] }).data.map((c) => c.title);
}

async function create(url: string, title: string): Promise<void> {
  const res = await fetch(`${url}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ title }) });
  expect(res.status).toBe(200);
}

describe('two processes on one data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-lock-'));
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await Promise.all(running.map((server) => server.exited));
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = () => {
    const server = spawnServer(dataDir, { JAN_API_KEY: KEY });
    running.push(server);
    return server;
  };
  let first: ServerProcess;
  let firstUrl: string;
  let backupFile: string;

  it('a second server refuses with one paragraph naming the first, which keeps serving', async () => {
    first = start();
    firstUrl = await first.listening;
    await create(firstUrl, 'before the second');

    const second = start();
    // A second server that listens is the bug itself: say so at once rather than wait for it to exit.
    expect(await Promise.race([second.exited, second.listening.then((url) => `listening at ${url}`)])).toBe(1);
    expect(second.stdout()).not.toContain('Server:');
    const pattern = `^jan-server: The data folder ${dataDir} is in use by Jan Server \\(pid ${first.child.pid}, started ${STARTED}, ` +
      `serving ${firstUrl}\\)\\. Two servers on one folder would overwrite each other's data, so this one did not start\\. ` +
      'Stop the other one first \\(Ctrl-C in its terminal, or quit the desktop app\\) and start this one again, or give ' +
      'this one a folder of its own with JAN_DATA_DIR or --data-dir\\.\\n$';
    expect(second.stderr()).toMatch(new RegExp(pattern));

    await create(firstUrl, 'after the second');
    expect(await titles(firstUrl)).toEqual(['before the second', 'after the second']);
  }, 60_000);

  it('restore refuses while the server runs, even with the files that name it deleted', async () => {
    const res = await fetch(`${firstUrl}/v1/admin/jobs/backup/run`, { method: 'POST', headers, body: '{}' });
    backupFile = ((await res.json()) as { report: { file: string } }).report.file;
    expect(existsSync(backupFile)).toBe(true);
    await create(firstUrl, 'after the backup');

    rmSync(join(dataDir, 'jan.lock.json'), { force: true });
    rmSync(join(dataDir, 'jan-server.pid'), { force: true }); // the old claim, were it there
    const refused = await runRestore(backupFile, '--data-dir', dataDir);
    expect(refused).toEqual({
      code: 1, stdout: '',
      stderr: `restore: ${dataDir} is in use by another process (which one is unknown: its jan.lock.json is missing); ` +
        'stop it first (Ctrl-C, or quit the app), then run this again.\n',
    });
    // Nothing was replaced under the running server: the write after the backup is still served.
    await create(firstUrl, 'after the refused restore');
    expect(await titles(firstUrl)).toEqual(['before the second', 'after the second', 'after the backup', 'after the refused restore']);
  }, 60_000);

  it('after SIGKILL of the server, restore works and a server starts on the restored folder', async () => {
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('signal SIGKILL');
    const done = await runRestore(backupFile, '--data-dir', dataDir);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toMatch(/^Restored .* into .*jan\.sqlite\.\nThe previous database is kept as .*\n$/);

    const next = start();
    const url = await next.listening;
    expect(await titles(url)).toEqual(['before the second', 'after the second']); // what the backup held
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(existsSync(join(dataDir, 'jan.lock.json'))).toBe(false); // a clean stop removes its details
  }, 60_000);
});

describe('two servers on one data folder in one process', () => {
  it('the second startServer throws DataDirInUseError; after the first closes, a new one starts', async () => {
    const first = await startTestServer({ backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
    try {
      const config = { ...first.config, port: 0 };
      const error = await startServer(config, { logger: pino({ level: 'silent' }) }).then(
        async (second) => second.close(),
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DataDirInUseError);
      expect(error).toMatchObject({ dataDir: first.dataDir, holder: { pid: process.pid, role: 'server', url: first.url } });
      expect((await first.request('/healthz')).status).toBe(200);
      await first.stop();
      const again = await startServer(config, { logger: pino({ level: 'silent' }) });
      expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
      await again.close();
    } finally {
      await first.close();
    }
  });
});
