import type { Health } from '../api/health.js';
import type { Store } from '../store/store.js';

export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly store: Store,
    readonly version: string,
    /** Why the server is degraded now (limits over their soft figures, `disk_full`); empty when it is not. */
    private readonly degradedReasons: () => string[] = () => [],
  ) {}

  /** Cheap enough for every probe: one `SELECT 1`. */
  async health(): Promise<Health> {
    const db = await this.store.health();
    const reasons = db.ok ? this.degradedReasons() : [];
    return {
      status: !db.ok ? 'unavailable' : reasons.length > 0 ? 'degraded' : 'ok',
      version: this.version,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      database: { status: db.ok ? 'ok' : 'error', schema_version: db.schemaVersion, journal_mode: db.journalMode },
      ...(reasons.length > 0 && { degraded_reasons: reasons }),
    };
  }

  async ready(): Promise<boolean> {
    return (await this.store.health()).ok;
  }
}
