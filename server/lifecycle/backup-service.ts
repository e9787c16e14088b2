/**
 * Online backups of the database into a folder, keeping the newest `keep` (three by default, the guide's
 * "3+ replicas" on one machine). A backup is made with SQLite's backup API while the server keeps serving,
 * written under a temp name (`jan-<UTC time>.sqlite.partial`), turned into a single self-contained file and
 * integrity-checked, fsynced, and only then renamed to `jan-<UTC time>.sqlite`: a file with that name is
 * always a complete, checked backup. The oldest beyond `keep` are deleted after each new one. Restore:
 * `npm run restore -- <file>` (build/scripts/restore.mjs), with the server stopped.
 *
 * Temp files: a run that fails or is aborted (shutdown) deletes its own; one cut short by the process dying
 * leaves `<temp>` and SQLite's `-journal`/`-wal`/`-shm` beside it, which `sweepLeftovers()` deletes, at start
 * (create-lifecycle.ts) and in the cleanup job. Only names matching TEMP_NAME in the backup folder are ever
 * swept, never the run in progress; the folder belongs to one data folder, whose lock this process holds.
 *
 * On PostgreSQL there is no file to copy (`store.maintenance` is SQLite's): a run writes nothing and reports
 * `skipped` with POSTGRES_BACKUP_NOTE — backups are pg_dump's, or the operator's that runs the database.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import { finishBackupFile } from '../store/backup-file.js';
import type { Store } from '../store/store.js';

export interface BackupOptions {
  dir: string;
  keep: number;
}

export interface BackupInfo {
  name: string;
  bytes: number;
  /** Unix seconds, from the name. */
  created_at: number;
}

export interface BackupReport {
  [key: string]: unknown;
  /** Why nothing was backed up (PostgreSQL); the run's status is then `skipped`. */
  skipped?: string;
  /** The new backup; null when the run was interrupted or skipped (then nothing was written or deleted). */
  file: string | null;
  bytes: number;
  pages: number;
  schema_version: number | null;
  duration_ms: number;
  deleted: string[];
  interrupted: boolean;
}

export interface SweepResult {
  files: number;
  bytes: number;
}

const NAME = /^jan-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.sqlite$/;
/** A backup in the making, and the files SQLite keeps beside a database it writes. */
export const TEMP_NAME = /^jan-\d{8}T\d{9}Z\.sqlite\.partial(?:-journal|-wal|-shm)?$/;
const SQLITE_SIDE_FILES = ['', '-journal', '-wal', '-shm'];

/** What a backup run on PostgreSQL reports, and the backup list says, instead of a file. */
export const POSTGRES_BACKUP_NOTE =
  'The database is PostgreSQL: this server writes no backup of it. Back it up with pg_dump (or pg_basebackup and WAL ' +
  "archiving), or with the backups of the operator that runs it (e.g. CloudNativePG's scheduled backups).";

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The backup folder: JAN_BACKUP_DIR, or `backups` in the data folder. */
export function backupDirOf(config: Pick<Config, 'dataDir' | 'backupDir'>): string {
  return config.backupDir || join(config.dataDir, 'backups');
}

/** The complete backups in `dir`, newest first (none when the folder is missing). */
export function listBackups(dir: string): BackupInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const backups: BackupInfo[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (!match) continue;
    const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
    const createdAt = Math.floor(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!) / 1000);
    backups.push({ name, bytes: statSync(join(dir, name)).size, created_at: createdAt });
  }
  return backups.sort((a, b) => b.name.localeCompare(a.name));
}

export class BackupService {
  /** The temp file of the run in progress (never swept). */
  private writing: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: BackupOptions,
  ) {}

  get dir(): string {
    return this.options.dir;
  }

  /** Makes one backup; an abort of `signal` stops it mid-copy, deletes its temp files and reports `interrupted`. */
  async run(signal?: AbortSignal): Promise<BackupReport> {
    const started = performance.now();
    const maintenance = this.store.maintenance;
    if (!maintenance) {
      return { skipped: POSTGRES_BACKUP_NOTE, file: null, bytes: 0, pages: 0, schema_version: null, duration_ms: 0, deleted: [], interrupted: false };
    }
    mkdirSync(this.dir, { recursive: true });
    const name = `jan-${stamp(new Date())}.sqlite`;
    const partial = join(this.dir, `${name}.partial`);
    this.writing = partial;
    try {
      signal?.throwIfAborted();
      const { totalPages } = await maintenance.backup(partial, signal);
      signal?.throwIfAborted();
      const check = finishBackupFile(partial);
      if (!check.ok) throw new AppError(500, 'server_error', `The backup failed its integrity check: ${check.problems.slice(0, 3).join('; ')}`, { code: 'backup_corrupt' });
      fsyncPath(partial, 'r+');
      renameSync(partial, join(this.dir, name));
      fsyncPath(this.dir, 'r');
      return {
        file: join(this.dir, name),
        bytes: statSync(join(this.dir, name)).size,
        pages: totalPages,
        schema_version: check.schemaVersion,
        duration_ms: Math.round(performance.now() - started),
        deleted: this.rotate(),
        interrupted: false,
      };
    } catch (error) {
      if (!signal?.aborted) throw error;
      const duration = Math.round(performance.now() - started);
      return { file: null, bytes: 0, pages: 0, schema_version: null, duration_ms: duration, deleted: [], interrupted: true };
    } finally {
      for (const suffix of SQLITE_SIDE_FILES) rmSync(partial + suffix, { force: true });
      this.writing = undefined;
    }
  }

  /** The complete backups in the folder, newest first. */
  list(): BackupInfo[] {
    return listBackups(this.dir);
  }

  /** Why this server makes no backups (PostgreSQL), or undefined when it does. */
  get note(): string | undefined {
    return this.store.maintenance ? undefined : POSTGRES_BACKUP_NOTE;
  }

  /** Deletes what interrupted runs left in the backup folder (TEMP_NAME files, except the run in progress). */
  sweepLeftovers(): SweepResult {
    const result: SweepResult = { files: 0, bytes: 0 };
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return result; // no folder, no leftovers
    }
    for (const name of names) {
      const path = join(this.dir, name);
      if (!TEMP_NAME.test(name) || (this.writing && path.startsWith(this.writing))) continue;
      try {
        const { size } = statSync(path);
        rmSync(path, { force: true });
        result.files++;
        result.bytes += size;
      } catch {
        // gone meanwhile
      }
    }
    return result;
  }

  /** Deletes the backups beyond the newest `keep`; returns their names. */
  private rotate(): string[] {
    const old = this.list().slice(this.options.keep);
    for (const backup of old) rmSync(join(this.dir, backup.name), { force: true });
    return old.map((backup) => backup.name);
  }
}
