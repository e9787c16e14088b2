/**
 * The optimize job: fresh query-planner statistics (`PRAGMA optimize`), a WAL checkpoint, and free pages
 * given back to the file system. With incremental auto-vacuum (every database this server created) that is
 * done a few hundred pages at a time, yielding to the event loop between steps, so requests keep flowing;
 * a full VACUUM (which blocks the server while it rebuilds the file) runs only when asked for (`full`), or
 * once for an older file without incremental auto-vacuum when over a quarter of it is free.
 *
 * All of it is SQLite's upkeep (`store.maintenance`): on PostgreSQL the run does nothing and reports `skipped`
 * with POSTGRES_OPTIMIZE_NOTE, as autovacuum keeps statistics and free space there.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store } from '../store/store.js';

export interface OptimizeReport {
  [key: string]: unknown;
  /** Why nothing was done (PostgreSQL); the run's status is then `skipped`. */
  skipped?: string;
  vacuum: 'none' | 'incremental' | 'full';
  pages_before: number;
  pages_after: number;
  free_pages_before: number;
  bytes_freed: number;
  checkpointed: boolean;
  interrupted: boolean;
}

const STEP_PAGES = 256;
const FULL_VACUUM_FREE_SHARE = 0.25;

export const POSTGRES_OPTIMIZE_NOTE =
  'The database is PostgreSQL: its autovacuum refreshes statistics and reuses free space, so this job has nothing to do ' +
  '(run VACUUM or ANALYZE there, or leave it to the operator that runs it).';

export class OptimizeJob {
  constructor(private readonly store: Store) {}

  async run(signal: AbortSignal, options: { full?: boolean } = {}): Promise<OptimizeReport> {
    const maintenance = this.store.maintenance;
    if (!maintenance) {
      return { skipped: POSTGRES_OPTIMIZE_NOTE, vacuum: 'none', pages_before: 0, pages_after: 0, free_pages_before: 0, bytes_freed: 0, checkpointed: false, interrupted: false };
    }
    const before = await maintenance.space();
    await maintenance.optimize();
    let vacuum: OptimizeReport['vacuum'] = 'none';
    const worthFull = before.autoVacuum !== 'incremental' && before.freePages > before.pages * FULL_VACUUM_FREE_SHARE;
    if (options.full || worthFull) {
      await maintenance.vacuum();
      vacuum = 'full';
    } else if (before.autoVacuum === 'incremental' && before.freePages > 0) {
      vacuum = 'incremental';
      while (!signal.aborted && (await maintenance.incrementalVacuum(STEP_PAGES)) > 0) await yieldToEventLoop();
    }
    const checkpointed = await maintenance.checkpoint();
    const after = await maintenance.space();
    return {
      vacuum,
      pages_before: before.pages,
      pages_after: after.pages,
      free_pages_before: before.freePages,
      bytes_freed: Math.max(0, (before.pages - after.pages) * before.pageSize),
      checkpointed,
      interrupted: signal.aborted,
    };
  }
}
