import type { Health } from '../api/health.js';
import type { Store } from '../store/store.js';

export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly store: Store,
    readonly version: string,
  ) {}

  /** Cheap enough for every probe: one prepared `SELECT 1`. */
  health(): Health {
    const db = this.store.health();
    return {
      status: db.ok ? 'ok' : 'unavailable',
      version: this.version,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      database: { status: db.ok ? 'ok' : 'error', schema_version: db.schemaVersion, journal_mode: db.journalMode },
    };
  }

  ready(): boolean {
    return this.store.health().ok;
  }
}
