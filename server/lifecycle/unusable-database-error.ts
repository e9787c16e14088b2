/**
 * What the operator reads when the database file cannot be opened (store/database-unreadable-error.ts): one
 * paragraph that says what is wrong, that the file was left as it was, and how to get back to the newest
 * backup, with the exact restore command. startServer throws it; the CLI prints its message as is.
 */
import { join } from 'node:path';
import { defaultPlatform } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { DatabaseUnreadableError } from '../store/database-unreadable-error.js';
import { backupDirOf, listBackups } from './backup-service.js';

/**
 * A path as one word of the shell the user will paste it into (quoted only when it needs to be): POSIX
 * shells take single quotes; cmd.exe and PowerShell take double quotes (a Windows path cannot hold `"`).
 */
export function shellWord(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return /^[\w@%+=:,.\\/-]+$/.test(path) ? path : `"${path}"`;
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/** Whether two folder paths name the same folder (Windows and macOS compare names without case). */
function sameFolder(a: string, b: string): boolean {
  return process.platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}

function advice(error: DatabaseUnreadableError, config: Pick<Config, 'dataDir' | 'backupDir'>): { text: string; newest?: string; command?: string } {
  const dir = backupDirOf(config);
  const newest = listBackups(dir)[0];
  if (!newest) {
    return {
      text: `There is no backup in ${dir} to go back to: keep a copy of the file, then either move it out of ${config.dataDir} ` +
        "to start with an empty database, or try to rescue what it holds with the sqlite3 shell's .recover command.",
    };
  }
  const path = join(dir, newest.name);
  // `npm run restore` defaults to the OS data folder; anything else must be named.
  const command = `npm run restore -- ${shellWord(path)}${sameFolder(config.dataDir, defaultPlatform().dataDir) ? '' : ` --data-dir ${shellWord(config.dataDir)}`}`;
  const made = new Date(newest.created_at * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return {
    text: `The newest backup is ${path} (made ${made}); to go back to it, run: ${command} ` +
      '(the restore keeps the damaged file beside the new one as jan.sqlite.before-restore-<time>).',
    newest: path,
    command,
  };
}

export class UnusableDatabaseError extends Error {
  override name = 'UnusableDatabaseError';
  /** The newest complete backup, if any. */
  readonly newestBackup: string | undefined;
  /** The command that restores it. */
  readonly restoreCommand: string | undefined;

  constructor(
    override readonly cause: DatabaseUnreadableError,
    config: Pick<Config, 'dataDir' | 'backupDir'>,
  ) {
    const next = advice(cause, config);
    const what = cause.code === 'SQLITE_NOTADB' ? 'it is not a SQLite database (its header was overwritten)' : 'it is damaged or cut short (a partial copy, a failing disk, or something else writing into it)';
    super(
      `The database ${cause.file} cannot be opened: SQLite says "${cause.sqliteMessage}" (${cause.code}), so ${what}. ` +
        `The server stopped before writing anything, so the file was not touched. ${next.text}`,
    );
    this.newestBackup = next.newest;
    this.restoreCommand = next.command;
  }
}

/** The error startServer throws for a failure to open the store: an UnusableDatabaseError when the file is unreadable. */
export function explainStoreOpenFailure(error: unknown, config: Pick<Config, 'dataDir' | 'backupDir'>): unknown {
  return error instanceof DatabaseUnreadableError ? new UnusableDatabaseError(error, config) : error;
}
