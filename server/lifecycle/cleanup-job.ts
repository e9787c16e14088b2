/**
 * The cleanup job: unfinished resumable uploads past their resume window (the media uploads service's own
 * sweep, so the rule lives in one place), what interrupted backups left (the backup service's own sweep, for
 * the same reason), temp files older than their folder's age limit (left by a crash mid-upload or
 * mid-compaction), and archive files no record points to.
 *
 * Every deletion is of a file nothing refers to any more, so the job can stop (or die) between any two.
 */
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface TempFolder {
  dir: string;
  /** Files whose last change is older than this are deleted. */
  olderThanMs: number;
  /** Only names matching this (default: every file). */
  match?: RegExp;
}

export interface CleanupOptions {
  tempFolders: readonly TempFolder[];
  archiveDir: string;
  /** The names the archive records point to (read at the moment of the sweep). */
  referencedArchiveFiles(): Promise<Set<string>>;
  /** Deletes expired unfinished uploads; returns how many. */
  sweepUploads?(): Promise<number>;
  /** Deletes what interrupted backups left; returns how many files and bytes. */
  sweepBackups?(): { files: number; bytes: number };
  now?: () => number;
}

export interface CleanupReport {
  [key: string]: unknown;
  uploads_deleted: number;
  temp_files_deleted: number;
  orphan_archive_files_deleted: number;
  bytes_freed: number;
  interrupted: boolean;
}

/** An archive file must be this old before it counts as orphaned (a run may be writing it right now). */
const ARCHIVE_ORPHAN_AGE_MS = 60 * 60 * 1000;

async function filesIn(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile());
  } catch {
    return []; // no folder: nothing to clean
  }
}

export class CleanupJob {
  constructor(private readonly options: CleanupOptions) {}

  async run(signal: AbortSignal): Promise<CleanupReport> {
    const report: CleanupReport = { uploads_deleted: 0, temp_files_deleted: 0, orphan_archive_files_deleted: 0, bytes_freed: 0, interrupted: false };
    if (this.options.sweepUploads) report.uploads_deleted = await this.options.sweepUploads();
    if (this.options.sweepBackups && !signal.aborted) {
      const swept = this.options.sweepBackups();
      report.temp_files_deleted += swept.files;
      report.bytes_freed += swept.bytes;
    }
    for (const folder of this.options.tempFolders) {
      if (signal.aborted) break;
      report.temp_files_deleted += await this.sweep(folder, report, () => false);
    }
    if (!signal.aborted) {
      const referenced = await this.options.referencedArchiveFiles();
      report.orphan_archive_files_deleted = await this.sweep(
        { dir: this.options.archiveDir, olderThanMs: ARCHIVE_ORPHAN_AGE_MS },
        report,
        (name) => referenced.has(name),
      );
    }
    report.interrupted = signal.aborted;
    return report;
  }

  /** Deletes the folder's files older than its limit, except those `keep` names; returns how many went. */
  private async sweep(folder: TempFolder, report: CleanupReport, keep: (name: string) => boolean): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    let deleted = 0;
    for (const entry of await filesIn(folder.dir)) {
      if (keep(entry.name) || (folder.match && !folder.match.test(entry.name))) continue;
      const path = join(folder.dir, entry.name);
      const info = await stat(path).catch(() => undefined);
      if (!info || now - info.mtimeMs < folder.olderThanMs) continue;
      await rm(path, { force: true });
      report.bytes_freed += info.size;
      deleted++;
    }
    return deleted;
  }
}
