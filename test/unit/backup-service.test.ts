/**
 * BackupService's temp files, on a real SQLite store: a backup aborted mid-copy or failing mid-way leaves no
 * temp file and the kept backups exactly as they were; sweepLeftovers deletes only the backup temp names
 * (`jan-<time>.sqlite.partial` and SQLite's -journal/-wal/-shm beside it) in the backup folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BackupService } from '../../server/lifecycle/backup-service.js';
import { openStore, type Store } from '../../server/store/store.js';

const KEEP = 3;

/** Name, size and change time of every file in `dir`: what "untouched" means here. */
function snapshot(dir: string): Record<string, [number, number]> {
  const files: Record<string, [number, number]> = {};
  for (const name of readdirSync(dir).sort()) {
    const info = statSync(join(dir, name));
    files[name] = [info.size, info.mtimeMs];
  }
  return files;
}

describe('BackupService temp files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'jan-backup-unit-'));
  const dir = join(folder, 'backups');
  let store: Store;
  let backups: BackupService;

  beforeAll(async () => {
    store = openStore({ file: join(folder, 'jan.sqlite') });
    // About 8 MB, so that a backup takes many steps (100 pages of 4 KiB per turn of the event loop).
    const filler = 'x'.repeat(8000);
    await store.transaction(async () => {
      for (let i = 0; i < 1000; i++) await store.settings.getOrCreate(`filler-${i}`, () => filler);
    });
    backups = new BackupService(store, { dir, keep: KEEP });
    for (let i = 0; i < KEEP; i++) {
      await backups.run();
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct names (millisecond stamps)
    }
  }, 60_000);
  afterAll(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a backup aborted mid-copy reports interrupted, leaves no temp file and the kept backups untouched', async () => {
    const kept = snapshot(dir);
    expect(Object.keys(kept)).toHaveLength(KEEP);
    const controller = new AbortController();
    const copying = vi.spyOn(store.maintenance!, 'backup');
    const running = backups.run(controller.signal);
    // Abort once the copy has written part of the temp file.
    while (!readdirSync(dir).some((name) => name.endsWith('.partial'))) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const report = await running;
    expect(copying).toHaveBeenCalledTimes(1);
    copying.mockRestore();
    expect(report).toEqual({ file: null, bytes: 0, pages: 0, schema_version: null, duration_ms: expect.any(Number), deleted: [], interrupted: true });
    expect(snapshot(dir)).toEqual(kept);
  });

  it('a backup that fails mid-way leaves no temp file (nor SQLite\'s beside it) and the kept backups untouched', async () => {
    const kept = snapshot(dir);
    const failing = vi.spyOn(store.maintenance!, 'backup').mockImplementation(async (destination) => {
      writeFileSync(destination, 'half a copy');
      writeFileSync(`${destination}-journal`, 'a journal');
      throw new Error('disk full');
    });
    await expect(backups.run()).rejects.toThrow('disk full');
    failing.mockRestore();
    expect(snapshot(dir)).toEqual(kept);
  });

  it('sweepLeftovers deletes the backup temp names in the backup folder and nothing else', () => {
    const kept = snapshot(dir);
    const leftovers = ['jan-20260101T000000000Z.sqlite.partial', 'jan-20260101T000000000Z.sqlite.partial-journal',
      'jan-20260102T000000000Z.sqlite.partial-wal', 'jan-20260102T000000000Z.sqlite.partial-shm'];
    const others = ['notes.partial', 'jan.sqlite.partial', 'jan-20260101T000000000Z.sqlite.partial.txt'];
    for (const name of [...leftovers, ...others]) writeFileSync(join(dir, name), 'x'.repeat(10));
    mkdirSync(join(dir, 'jan-20260103T000000000Z.sqlite.partial')); // a folder by that name is not a leftover file
    expect(backups.sweepLeftovers()).toEqual({ files: 4, bytes: 40 });
    for (const name of [...others, 'jan-20260103T000000000Z.sqlite.partial']) rmSync(join(dir, name), { recursive: true });
    expect(snapshot(dir)).toEqual(kept);
  });

  it('on PostgreSQL (no SQLite upkeep) a run writes nothing and reports skipped, pointing to pg_dump and the operator', async () => {
    const kept = snapshot(dir);
    // The engine's one difference that matters here: `maintenance` is SQLite's and absent on PostgreSQL.
    const postgres = new BackupService({ engine: 'postgres', maintenance: undefined } as unknown as Store, { dir, keep: KEEP });
    const report = await postgres.run();
    expect(report).toMatchObject({ skipped: expect.stringMatching(/pg_dump.*operator/s), file: null, bytes: 0, deleted: [], interrupted: false });
    expect(postgres.note).toBe(report.skipped);
    expect(backups.note).toBeUndefined();
    expect(snapshot(dir)).toEqual(kept);
  });
});
