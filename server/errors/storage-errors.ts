/**
 * A full disk, as every write path sees it: SQLite says `SQLITE_FULL` (the SQLite driver's error code), PostgreSQL `53100`,
 * the file system says `ENOSPC` (no space left) or `EDQUOT` (the user's quota is used up). All of them become
 * one answer, 507 with code `insufficient_storage`, wherever the error surfaces (the error handler, the tus
 * responses, event streams, job runs); the message names no path.
 */
import { AppError } from './app-error.js';

/** PostgreSQL says 53100 (disk_full). */
const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);
/** How far down `cause` chains to look (a wrapper around a wrapper around the fs error). */
const MAX_CAUSES = 5;

export const STORAGE_FULL_MESSAGE = "The server's disk is full: the request could not be saved; free space on the server's disk and retry.";

/** True when `error` (or an error it wraps as `cause`) says the disk or the database is out of space. */
export function isStorageFull(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSES && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && STORAGE_FULL_CODES.has(code)) return true;
    if (current instanceof AppError) return current.code === 'insufficient_storage';
    current = cause;
  }
  return false;
}

/** The 507 the API answers for a full disk. */
export function storageFullError(): AppError {
  return new AppError(507, 'server_error', STORAGE_FULL_MESSAGE, { code: 'insufficient_storage' });
}

/** The 507 for a full-disk error, else undefined (so callers can chain it with their other mappings). */
export function asStorageFull(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error.code === 'insufficient_storage' ? error : undefined;
  return isStorageFull(error) ? storageFullError() : undefined;
}
