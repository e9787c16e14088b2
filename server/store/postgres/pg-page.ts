/**
 * Keyset pagination in PostgreSQL's placeholders: the same (created_at, seq) order and cursor as page.ts's
 * SQLite clauses, with the cursor's two values appended to a statement's parameters.
 */
import type { PageRequest, SortOrder } from '../page.js';

/**
 * The WHERE fragment (`AND (created_at, seq) > ($n, $n+1)`, or empty without a cursor) and ORDER BY for a page;
 * `values` are the statement's other parameters, to which the cursor's are appended.
 */
export function pgKeyset(
  order: SortOrder,
  after: PageRequest['after'],
  values: unknown[],
): { where: string; orderBy: string; values: unknown[] } {
  const op = order === 'asc' ? '>' : '<';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const orderBy = `ORDER BY created_at ${dir}, seq ${dir}`;
  if (!after) return { where: '', orderBy, values };
  const n = values.length + 1;
  return { where: `AND (created_at, seq) ${op} ($${n}, $${n + 1})`, orderBy, values: [...values, after.created_at, after.seq] };
}
