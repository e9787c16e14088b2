/**
 * One process at a time on a data folder. The server (start-server.ts) and `npm run restore`
 * (build/scripts/restore.mjs) take an exclusive OS-level lock on `<dataDir>/jan.lock` (store/file-lock.ts)
 * and hold it for their whole life: a second server refuses to start (DataDirInUseError) and a restore
 * refuses to run. The OS drops the lock when its holder exits or dies, SIGKILL included, so nothing stale
 * ever blocks a start, and deleting a file never unblocks anything.
 *
 * `jan.lock.json` beside it says who holds the lock (pid, start time, URL), for the refusal message only: it
 * is written after the lock is taken and never decides anything.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileLock } from '../store/file-lock.js';

export const LOCK_FILE = 'jan.lock';
export const HOLDER_FILE = 'jan.lock.json';

export interface LockHolder {
  pid: number;
  /** ISO 8601. */
  started_at: string;
  /** `server` or `restore`. */
  role: string;
  /** Where the server answers (once it listens). */
  url?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, as its holder file says; undefined when the file is missing, unreadable or stale. */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 && isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** "Jan Server (pid 42, started 2026-01-01 03:00:00 UTC, serving http://127.0.0.1:1337)", or what is known. */
export function describeLockHolder(holder: LockHolder | undefined): string {
  if (!holder) return `another process (which one is unknown: its ${HOLDER_FILE} is missing)`;
  const started = holder.started_at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const what = holder.role === 'restore' ? 'npm run restore' : 'Jan Server';
  return `${what} (pid ${holder.pid}, started ${started}${holder.url ? `, serving ${holder.url}` : ''})`;
}

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `The data folder ${dataDir} is in use by ${describeLockHolder(holder)}. Two servers on one folder would ` +
        'overwrite each other\'s data, so this one did not start. Stop the other one first (Ctrl-C in its ' +
        'terminal, or quit the desktop app) and start this one again, or give this one a folder of its own with ' +
        'JAN_DATA_DIR or --data-dir.',
    );
  }
}

export class DataDirLock {
  private readonly holder: LockHolder;

  constructor(
    readonly dataDir: string,
    private readonly lock: FileLock,
    role: string,
  ) {
    this.holder = { pid: process.pid, started_at: new Date().toISOString(), role };
    this.writeHolder();
  }

  /** Adds the URL the server answers at to the holder file (for a second server's message). */
  setUrl(url: string): void {
    this.holder.url = url;
    this.writeHolder();
  }

  /** Removes the holder file (when it is still this process's) and gives the lock back. Idempotent. */
  release(): void {
    if (!this.lock.held) return;
    try {
      const path = join(this.dataDir, HOLDER_FILE);
      if ((JSON.parse(readFileSync(path, 'utf8')) as LockHolder).pid === process.pid) rmSync(path, { force: true });
    } catch {
      // already gone, or not ours to remove
    }
    this.lock.release();
  }

  private writeHolder(): void {
    try {
      writeFileSync(join(this.dataDir, HOLDER_FILE), `${JSON.stringify(this.holder)}\n`);
    } catch {
      // the message loses its details; the lock still holds
    }
  }
}

/**
 * Takes the data folder (created if missing) for this process, or throws DataDirInUseError naming who has it.
 * `role`: what this process is, for others' messages (`server` or `restore`).
 */
export function lockDataDir(dataDir: string, role = 'server'): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lock = FileLock.tryTake(join(dataDir, LOCK_FILE));
  if (!lock) throw new DataDirInUseError(dataDir, readLockHolder(dataDir));
  return new DataDirLock(dataDir, lock, role);
}
