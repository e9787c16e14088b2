/**
 * A full disk, model-free: which errors count as one, the 507 they become, the health monitor's flag and
 * probe, and a maintenance job (a backup) that fails for lack of space.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { asStorageFull, isStorageFull, STORAGE_FULL_MESSAGE } from '../../server/errors/storage-errors.js';
import { DiskSpaceMonitor } from '../../server/health/index.js';
import { JobRunner } from '../../server/lifecycle/job-runner.js';

const fsError = (code: string) => Object.assign(new Error(`${code}: failed, write '/data/media/tmp/x'`), { code, syscall: 'write' });

describe('isStorageFull / asStorageFull', () => {
  it('knows SQLITE_FULL, ENOSPC and EDQUOT, also as the cause of another error', () => {
    expect(isStorageFull(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'))).toBe(true);
    expect(isStorageFull(fsError('ENOSPC'))).toBe(true);
    expect(isStorageFull(fsError('EDQUOT'))).toBe(true);
    expect(isStorageFull(new Error('copy failed', { cause: fsError('ENOSPC') }))).toBe(true);
    for (const other of [fsError('EACCES'), new Database.SqliteError('locked', 'SQLITE_BUSY'), new Error('ENOSPC'), 'ENOSPC', null, undefined, { code: 28 }]) {
      expect(isStorageFull(other)).toBe(false);
    }
  });

  it('maps them to one 507 whose message names no path; other errors are left to their own mapping', () => {
    const mapped = asStorageFull(fsError('ENOSPC'));
    expect(mapped).toBeInstanceOf(AppError);
    expect({ status: mapped?.status, type: mapped?.type, code: mapped?.code, param: mapped?.param, message: mapped?.message }).toEqual({
      status: 507, type: 'server_error', code: 'insufficient_storage', param: null, message: STORAGE_FULL_MESSAGE,
    });
    expect(STORAGE_FULL_MESSAGE).not.toMatch(/\//);
    expect(asStorageFull(mapped)).toBe(mapped);
    expect(asStorageFull(new AppError(400, 'invalid_request_error', 'bad'))).toBeUndefined();
    expect(asStorageFull(new Error('boom'))).toBeUndefined();
  });
});

describe('DiskSpaceMonitor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jan-disk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says disk_full from a reported failure until a probe finds room, probing at most once per interval', async () => {
    let now = 1_000_000;
    const monitor = new DiskSpaceMonitor({ dir, minFreeBytes: 1, probeIntervalMs: 3_000, now: () => now });
    expect(monitor.degradedReasons()).toEqual([]);
    monitor.reportFull();
    expect(monitor.degradedReasons()).toEqual(['disk_full']);
    now += 2_999; // no probe yet: the disk stays full whatever it has
    await Promise.resolve();
    expect(monitor.degradedReasons()).toEqual(['disk_full']);
    now += 1; // due: this read starts a probe; the temp folder has more than one free byte
    expect(monitor.degradedReasons()).toEqual(['disk_full']);
    await vi.waitFor(() => expect(monitor.degradedReasons()).toEqual([]));
  });

  it('keeps disk_full when a failure is reported while a probe runs, and when there is less room than the margin', async () => {
    const monitor = new DiskSpaceMonitor({ dir, minFreeBytes: 1 });
    monitor.reportFull();
    const probe = monitor.probe();
    monitor.reportFull();
    expect(await probe).toBe(true);
    expect(await monitor.probe()).toBe(false);
    const strict = new DiskSpaceMonitor({ dir, minFreeBytes: Number.MAX_SAFE_INTEGER });
    strict.reportFull();
    expect(await strict.probe()).toBe(true);
    expect(strict.degradedReasons()).toEqual(['disk_full']);
  });
});

describe('a maintenance job that fails for lack of space', () => {
  it('reports the disk-full message (no path) and tells the health monitor', async () => {
    let told = 0;
    const runner = new JobRunner(
      [{ name: 'backup', description: 'backup', intervalMs: 0, run: () => Promise.reject(new Database.SqliteError('database or disk is full', 'SQLITE_FULL')) }],
      { onStorageFull: () => told++ },
    );
    const run = await runner.trigger('backup').done;
    expect({ status: run.status, error: run.error, told }).toEqual({ status: 'failed', error: STORAGE_FULL_MESSAGE, told: 1 });
    await runner.close();
  });
});

