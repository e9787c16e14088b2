/**
 * The optimize job: fresh query-planner statistics (`PRAGMA optimize`), a WAL checkpoint, and free pages
 * given back to the file system. With incremental auto-vacuum (every database this server created) that is
 * done a few hundred pages at a time, yielding to the event loop between steps, so requests keep flowing;
 * a full VACUUM (which blocks the server while it rebuilds the file) runs only when asked for (`full`), or
 * once for an older file without incremental auto-vacuum when over a quarter of it is free.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store } from '../store/store.js';

export interface OptimizeReport {
  [key: string]: unknown;
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

export class OptimizeJob {
  constructor(private readonly store: Store) {}

  async run(signal: AbortSignal, options: { full?: boolean } = {}): Promise<OptimizeReport> {
    const maintenance = this.store.maintenance;
    const before = maintenance.space();
    maintenance.optimize();
    let vacuum: OptimizeReport['vacuum'] = 'none';
    const worthFull = before.autoVacuum !== 'incremental' && before.freePages > before.pages * FULL_VACUUM_FREE_SHARE;
    if (options.full || worthFull) {
      maintenance.vacuum();
      vacuum = 'full';
    } else if (before.autoVacuum === 'incremental' && before.freePages > 0) {
      vacuum = 'incremental';
      while (!signal.aborted && maintenance.incrementalVacuum(STEP_PAGES) > 0) await yieldToEventLoop();
    }
    const checkpointed = maintenance.checkpoint();
    const after = maintenance.space();
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
