/**
 * Online backups of the database into a folder, keeping the newest `keep` (three by default, the guide's
 * "3+ replicas" on one machine). A backup is made with SQLite's backup API while the server keeps serving,
 * written as `<name>.partial`, turned into a single self-contained file and integrity-checked, fsynced, and
 * only then renamed to `jan-<UTC time>.sqlite`: a file with that name is always a complete, checked backup.
 * The oldest beyond `keep` are deleted after each new one. Restore: `npm run restore -- <file>`
 * (build/scripts/restore.mjs), with the server stopped.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  file: string;
  bytes: number;
  pages: number;
  schema_version: number;
  duration_ms: number;
  deleted: string[];
  interrupted: boolean;
}

const NAME = /^jan-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.sqlite$/;

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

export class BackupService {
  constructor(
    private readonly store: Store,
    private readonly options: BackupOptions,
  ) {}

  get dir(): string {
    return this.options.dir;
  }

  async run(signal?: AbortSignal): Promise<BackupReport> {
    const started = performance.now();
    mkdirSync(this.dir, { recursive: true });
    const name = `jan-${stamp(new Date())}.sqlite`;
    const partial = join(this.dir, `${name}.partial`);
    try {
      const { totalPages } = await this.store.maintenance.backup(partial);
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
        interrupted: signal?.aborted ?? false,
      };
    } finally {
      rmSync(partial, { force: true });
    }
  }

  /** The complete backups in the folder, newest first. */
  list(): BackupInfo[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const backups: BackupInfo[] = [];
    for (const name of names) {
      const match = NAME.exec(name);
      if (!match) continue;
      const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
      const createdAt = Math.floor(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!) / 1000);
      backups.push({ name, bytes: statSync(join(this.dir, name)).size, created_at: createdAt });
    }
    return backups.sort((a, b) => b.name.localeCompare(a.name));
  }

  /** Deletes the backups beyond the newest `keep`; returns their names. */
  private rotate(): string[] {
    const old = this.list().slice(this.options.keep);
    for (const backup of old) rmSync(join(this.dir, backup.name), { force: true });
    return old.map((backup) => backup.name);
  }
}
