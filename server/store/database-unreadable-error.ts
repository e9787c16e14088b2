/**
 * The database file exists but SQLite cannot read it: not a database at all (SQLITE_NOTADB: its header was
 * overwritten) or damaged (SQLITE_CORRUPT: cut short by a partial copy, or pages overwritten). openStore
 * throws this instead of the raw SqliteError; it reads the file before writing anything, so such a file is
 * left exactly as it was. What to do about it (restore a backup) is the lifecycle domain's to say.
 */
export class DatabaseUnreadableError extends Error {
  override name = 'DatabaseUnreadableError';

  constructor(
    readonly file: string,
    /** SQLite's error code, e.g. `SQLITE_CORRUPT`. */
    readonly code: string,
    /** SQLite's own words, e.g. "database disk image is malformed". */
    readonly sqliteMessage: string,
  ) {
    super(`${file} is not a readable SQLite database: ${sqliteMessage} (${code})`);
  }
}

/** The DatabaseUnreadableError an error from opening `file` stands for, or undefined for any other error. */
export function asDatabaseUnreadable(error: unknown, file: string): DatabaseUnreadableError | undefined {
  const code = String((error as { code?: unknown } | undefined)?.code ?? '');
  if (code !== 'SQLITE_NOTADB' && !code.startsWith('SQLITE_CORRUPT')) return undefined;
  return new DatabaseUnreadableError(file, code, (error as Error).message);
}
