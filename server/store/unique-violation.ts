/**
 * Whether a write failed on a UNIQUE constraint (e.g. two members taking one login name at once). The
 * database's own error codes stay in the store; domains ask this instead.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
