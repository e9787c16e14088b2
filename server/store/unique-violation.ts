/**
 * Whether a write failed on a UNIQUE constraint (e.g. two members taking one login name at once). The
 * database's own error codes stay in the store; domains ask this instead. SQLite names it
 * SQLITE_CONSTRAINT_UNIQUE; PostgreSQL's SQLSTATE is 23505 (unique_violation).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
