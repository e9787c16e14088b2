/**
 * The store as the rest of the server sees it: one repository per table, every method asynchronous, and
 * transactions. Two engines implement it: SQLite (sqlite-store.ts, the embedded default: one file in the data
 * folder) and PostgreSQL (postgres/pg-store.ts, for several replicas sharing one database). `openConfiguredStore`
 * picks by `JAN_DATABASE_URL`.
 *
 * Writes announce what they changed on `changes` (store-changes.ts) once committed. Inside
 * `transaction(async () => …)` call the same repositories: the open transaction is found through the async
 * context. Keep slow non-database work (files, network, inference) out of a transaction: on SQLite every other
 * statement waits for it.
 */
import type { ApiKeysRepo } from './api-keys-repo.js';
import type { ArchiveRepo } from './archive-repo.js';
import type { AuditRepo } from './audit-repo.js';
import type { ConversationsRepo } from './conversations-repo.js';
import type { IdOwnersRepo } from './id-owners-repo.js';
import type { InvitationsRepo } from './invitations-repo.js';
import type { ItemsRepo } from './items-repo.js';
import type { DatabaseMaintenance } from './lifecycle-maintenance.js';
import type { MediaFilesRepo } from './media-files-repo.js';
import type { MediaOcrRepo } from './media-ocr-repo.js';
import type { MediaUploadSlotsRepo } from './media-upload-slots-repo.js';
import type { MemberDataRepo } from './member-data-repo.js';
import type { MemberQuotasRepo } from './member-quotas-repo.js';
import type { MetricsRollupsRepo } from './metrics-rollups-repo.js';
import type { ModelPullsRepo } from './model-pulls-repo.js';
import type { PasswordsRepo } from './passwords-repo.js';
import type { ProjectsRepo } from './projects-repo.js';
import type { QueryObserver } from './query-timer.js';
import type { RepoApi } from './repo-api.js';
import type { ResponsesRepo } from './responses-repo.js';
import type { SavedSettingsRepo } from './saved-settings-repo.js';
import type { SessionsRepo } from './sessions-repo.js';
import type { SettingsRepo } from './settings-repo.js';
import type { StoreChanges } from './store-changes.js';
import type { UptimeRepo } from './uptime-repo.js';
import type { UsageRepo } from './usage-repo.js';
import type { UsersRepo } from './users-repo.js';

export type { RepoApi } from './repo-api.js';

export interface OpenStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  /** Called with each operation's duration in seconds (for `jan_db_query_duration_seconds`). */
  onQuery?: QueryObserver;
  /** SQLite `synchronous` (WAL mode): `normal` (default) or `full`; see openStore. */
  synchronous?: 'normal' | 'full';
}

export interface StoreHealth {
  ok: boolean;
  schemaVersion: number;
  /** SQLite's journal mode (`wal`), or `postgres`. */
  journalMode: string;
  error?: string;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly users: RepoApi<UsersRepo>;
  readonly apiKeys: RepoApi<ApiKeysRepo>;
  readonly sessions: RepoApi<SessionsRepo>;
  readonly passwords: RepoApi<PasswordsRepo>;
  readonly invitations: RepoApi<InvitationsRepo>;
  readonly audit: RepoApi<AuditRepo>;
  readonly memberData: RepoApi<MemberDataRepo>;
  readonly settings: RepoApi<SettingsRepo>;
  readonly savedSettings: RepoApi<SavedSettingsRepo>;
  readonly projects: RepoApi<ProjectsRepo>;
  readonly conversations: RepoApi<ConversationsRepo>;
  readonly items: RepoApi<ItemsRepo>;
  readonly mediaFiles: RepoApi<MediaFilesRepo>;
  readonly mediaOcr: RepoApi<MediaOcrRepo>;
  readonly mediaUploadSlots: RepoApi<MediaUploadSlotsRepo>;
  readonly responses: RepoApi<ResponsesRepo>;
  readonly metricsRollups: RepoApi<MetricsRollupsRepo>;
  readonly uptime: RepoApi<UptimeRepo>;
  readonly memberQuotas: RepoApi<MemberQuotasRepo>;
  readonly usage: RepoApi<UsageRepo>;
  readonly archive: RepoApi<ArchiveRepo>;
  readonly idOwners: RepoApi<IdOwnersRepo>;
  readonly modelPulls: RepoApi<ModelPullsRepo>;
  /** Upkeep of the SQLite file (VACUUM, checkpoints, integrity, online backup); undefined on PostgreSQL, which does its own. */
  readonly maintenance: RepoApi<DatabaseMaintenance> | undefined;
  readonly schemaVersion: number;
  /** Every committed change to conversations, items and projects (subscribe here; the repos announce). */
  readonly changes: StoreChanges;
  /** Path of the SQLite file; undefined on PostgreSQL. */
  readonly file: string | undefined;
  /** False once closed (or the connection is lost for good). */
  readonly isOpen: boolean;
  /**
   * Runs `fn` in one transaction (all or nothing; nested, a savepoint). What it wrote is announced on `changes`
   * after the outermost transaction commits, and never if it rolls back.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Touches the database: a liveness check for /readyz and /v1/health. */
  health(): Promise<StoreHealth>;
  /** SQLite `synchronous` for this connection (a saved setting is known only once the database is open); no-op on PostgreSQL. */
  setSynchronous(mode: 'normal' | 'full'): Promise<void>;
  close(): Promise<void>;
}

export { openStore, SqliteStore } from './sqlite-store.js';

export interface OpenConfiguredStoreOptions extends OpenStoreOptions {
  /** `JAN_DATABASE_URL`: a PostgreSQL URL selects PostgreSQL; empty keeps SQLite in `file`. */
  databaseUrl: string;
}

/** The store the configuration asks for: PostgreSQL when a database URL is set, else the SQLite file. */
export async function openConfiguredStore(options: OpenConfiguredStoreOptions): Promise<Store> {
  if (options.databaseUrl === '') {
    const { openStore } = await import('./sqlite-store.js');
    return openStore(options);
  }
  // Loaded only when asked for, so a desktop start never pays for the PostgreSQL driver.
  const { openPostgresStore } = await import('./postgres/pg-store.js');
  return openPostgresStore({ url: options.databaseUrl, onQuery: options.onQuery });
}
