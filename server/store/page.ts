/** Shared shape of keyset pagination in the repos: rows in (created_at, seq) order, one extra to know `has_more`. */
export type SortOrder = 'asc' | 'desc';

export interface PageRequest {
  order: SortOrder;
  limit: number;
  /** Position after which to start, taken from a row of the same list. */
  after?: { created_at: number; seq: number } | undefined;
}

export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

/** `rows` was fetched with LIMIT limit+1. */
export function toPage<T>(rows: T[], limit: number): Page<T> {
  return rows.length > limit ? { rows: rows.slice(0, limit), hasMore: true } : { rows, hasMore: false };
}

/** The WHERE fragment and ORDER BY for keyset pages; both orders use the same (…, created_at, seq) index. */
export function keysetClauses(order: SortOrder, hasAfter: boolean): { where: string; orderBy: string } {
  const op = order === 'asc' ? '>' : '<';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  return {
    where: hasAfter ? `AND (created_at, seq) ${op} (@afterCreatedAt, @afterSeq)` : '',
    orderBy: `ORDER BY created_at ${dir}, seq ${dir}`,
  };
}
