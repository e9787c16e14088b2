/**
 * The PostgreSQL engine of the store (`JAN_DATABASE_URL=postgres://…`): a connection pool, the migrations
 * (run once at open, under an advisory lock, so replicas starting together migrate once), and one repository
 * per table with the same methods and row shapes as SQLite's.
 *
 * Transactions: `transaction(fn)` takes one pooled client for `fn`, found by every repository call inside it
 * through the async context (pg-sql.ts); nested, it is a savepoint. What it wrote is announced on `changes`
 * after the outermost COMMIT, and never after a rollback. Several transactions run at once, each on its own
 * client (READ COMMITTED, PostgreSQL's default).
 *
 * Lifecycle: `openPostgresStore` resolves once migrated; `close()` ends the pool, once.
 */
import type pg from 'pg';
import { QueryTimer, type QueryObserver } from '../query-timer.js';
import type { RepoApi } from '../repo-api.js';
import { ChangeFeed, type StoreChange, type StoreChanges } from '../store-changes.js';
import type { Store, StoreHealth } from '../store.js';
import type { DatabaseMaintenance } from '../lifecycle-maintenance.js';
import { PgApiKeysRepo } from './api-keys-repo.js';
import { PgArchiveRepo } from './archive-repo.js';
import { PgAuditRepo } from './audit-repo.js';
import { PgConversationsRepo } from './conversations-repo.js';
import { PgIdOwnersRepo } from './id-owners-repo.js';
import { PgInvitationsRepo } from './invitations-repo.js';
import { PgItemsRepo } from './items-repo.js';
import { PgMediaFilesRepo } from './media-files-repo.js';
import { PgMediaOcrRepo } from './media-ocr-repo.js';
import { PgMediaUploadSlotsRepo } from './media-upload-slots-repo.js';
import { PgMemberDataRepo } from './member-data-repo.js';
import { PgMemberQuotasRepo } from './member-quotas-repo.js';
import { PgMetricsRollupsRepo } from './metrics-rollups-repo.js';
import { PgModelPullsRepo } from './model-pulls-repo.js';
import { PgPasswordsRepo } from './passwords-repo.js';
import { migratePostgres } from './pg-migrate.js';
import { createPgPool } from './pg-pool.js';
import { PgSql } from './pg-sql.js';
import { PgProjectsRepo } from './projects-repo.js';
import { PgResponsesRepo } from './responses-repo.js';
import { PgSavedSettingsRepo } from './saved-settings-repo.js';
import { PgSessionsRepo } from './sessions-repo.js';
import { PgSettingsRepo } from './settings-repo.js';
import { PgUptimeRepo } from './uptime-repo.js';
import { PgUsageRepo } from './usage-repo.js';
import { PgUsersRepo } from './users-repo.js';

export interface OpenPostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Called with each operation's duration in seconds (for `jan_db_query_duration_seconds`). */
  onQuery?: QueryObserver | undefined;
  /** Most connections this replica opens (default 10). */
  poolSize?: number | undefined;
}

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly users: PgUsersRepo;
  readonly apiKeys: PgApiKeysRepo;
  readonly sessions: PgSessionsRepo;
  readonly passwords: PgPasswordsRepo;
  readonly invitations: PgInvitationsRepo;
  readonly audit: PgAuditRepo;
  readonly memberData: PgMemberDataRepo;
  readonly settings: PgSettingsRepo;
  readonly savedSettings: PgSavedSettingsRepo;
  readonly projects: PgProjectsRepo;
  readonly conversations: PgConversationsRepo;
  readonly items: PgItemsRepo;
  readonly mediaFiles: PgMediaFilesRepo;
  readonly mediaOcr: PgMediaOcrRepo;
  readonly mediaUploadSlots: PgMediaUploadSlotsRepo;
  readonly responses: PgResponsesRepo;
  readonly metricsRollups: PgMetricsRollupsRepo;
  readonly uptime: PgUptimeRepo;
  readonly memberQuotas: PgMemberQuotasRepo;
  readonly usage: PgUsageRepo;
  readonly archive: PgArchiveRepo;
  readonly idOwners: PgIdOwnersRepo;
  readonly modelPulls: PgModelPullsRepo;
  /** PostgreSQL does its own upkeep (autovacuum); backups are pg_dump's or the operator's, not a file copy. */
  readonly maintenance: RepoApi<DatabaseMaintenance> | undefined = undefined;
  /** No SQLite file. */
  readonly file: string | undefined = undefined;
  readonly changes: StoreChanges;
  private readonly feed = new ChangeFeed();
  private readonly sql: PgSql;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly schemaVersion: number,
    onQuery?: QueryObserver,
  ) {
    const sql = (this.sql = new PgSql(pool, new QueryTimer(onQuery)));
    this.changes = this.feed;
    const announce = (change: StoreChange): void => {
      // A transaction the feed does not know of would publish before its commit (or despite its rollback).
      if (sql.inTransaction && !this.feed.inTransaction) {
        throw new Error('A write that announces changes ran in a transaction not opened by Store.transaction().');
      }
      this.feed.announce(change);
    };
    this.users = new PgUsersRepo(sql);
    this.apiKeys = new PgApiKeysRepo(sql);
    this.sessions = new PgSessionsRepo(sql);
    this.passwords = new PgPasswordsRepo(sql);
    this.invitations = new PgInvitationsRepo(sql);
    this.audit = new PgAuditRepo(sql);
    this.memberData = new PgMemberDataRepo(sql, announce);
    this.settings = new PgSettingsRepo(sql);
    this.savedSettings = new PgSavedSettingsRepo(sql);
    this.projects = new PgProjectsRepo(sql, announce);
    this.conversations = new PgConversationsRepo(sql, announce);
    this.items = new PgItemsRepo(sql, announce);
    this.mediaFiles = new PgMediaFilesRepo(sql, announce);
    this.mediaOcr = new PgMediaOcrRepo(sql, announce);
    this.mediaUploadSlots = new PgMediaUploadSlotsRepo(sql, announce);
    this.responses = new PgResponsesRepo(sql, announce);
    this.metricsRollups = new PgMetricsRollupsRepo(sql, announce);
    this.uptime = new PgUptimeRepo(sql, announce);
    this.memberQuotas = new PgMemberQuotasRepo(sql, announce);
    this.usage = new PgUsageRepo(sql, announce);
    this.archive = new PgArchiveRepo(sql, announce);
    this.idOwners = new PgIdOwnersRepo(sql);
    this.modelPulls = new PgModelPullsRepo(sql, announce);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.feed.transaction(() => this.sql.transaction(fn));
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.pool.query('SELECT 1');
      return { ok: true, schemaVersion: this.schemaVersion, journalMode: 'postgres' };
    } catch (error) {
      return { ok: false, schemaVersion: this.schemaVersion, journalMode: 'postgres', error: (error as Error).message };
    }
  }

  /** SQLite's durability setting; PostgreSQL's is the server's (`synchronous_commit`), not the client's. */
  async setSynchronous(): Promise<void> {}

  get isOpen(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Connects, migrates (once across replicas) and returns the store; the pool is ended if migrating fails. */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPgPool({ url: options.url, poolSize: options.poolSize });
  try {
    const schemaVersion = await migratePostgres(pool);
    return new PostgresStore(pool, schemaVersion, options.onQuery);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
