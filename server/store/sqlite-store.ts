/**
 * The SQLite engine of the store (the embedded default): opens the database file and builds one repo per table.
 * The only module that owns the connection; `close()` must be called once (start-server does it last on shutdown).
 *
 * The repositories are synchronous (better-sqlite3 is); the store hands out their asynchronous faces through
 * SqliteGate, which also keeps a transaction's awaits from letting other callers' statements into it.
 *
 * Writes announce what they changed on `changes` (store-changes.ts) once committed; open transactions over
 * the repos through `transaction()` only, so that their changes are published at commit (a write that
 * announces inside any other transaction throws).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ApiKeysRepo } from './api-keys-repo.js';
import { ArchiveRepo } from './archive-repo.js';
import { AuditRepo } from './audit-repo.js';
import { ConversationsRepo } from './conversations-repo.js';
import { asDatabaseUnreadable } from './database-unreadable-error.js';
import { ItemsRepo } from './items-repo.js';
import { IdOwnersRepo } from './id-owners-repo.js';
import { InvitationsRepo } from './invitations-repo.js';
import { DatabaseMaintenance } from './lifecycle-maintenance.js';
import { MediaFilesRepo } from './media-files-repo.js';
import { MediaOcrRepo } from './media-ocr-repo.js';
import { MediaUploadSlotsRepo } from './media-upload-slots-repo.js';
import { MemberDataRepo } from './member-data-repo.js';
import { PasswordsRepo } from './passwords-repo.js';
import { ResponsesRepo } from './responses-repo.js';
import { MemberQuotasRepo } from './member-quotas-repo.js';
import { MetricsRollupsRepo } from './metrics-rollups-repo.js';
import { ModelPullsRepo } from './model-pulls-repo.js';
import { migrate } from './migrate.js';
import { ProjectsRepo } from './projects-repo.js';
import { QueryTimer, type QueryObserver } from './query-timer.js';
import { SessionsRepo } from './sessions-repo.js';
import { SavedSettingsRepo } from './saved-settings-repo.js';
import { SettingsRepo } from './settings-repo.js';
import { ChangeFeed, type StoreChange, type StoreChanges } from './store-changes.js';
import { UptimeRepo } from './uptime-repo.js';
import { UsageRepo } from './usage-repo.js';
import { UsersRepo } from './users-repo.js';
import { SqliteGate } from './sqlite-gate.js';
import type { OpenStoreOptions, Store, StoreHealth } from './store.js';
import type { RepoApi } from './repo-api.js';

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
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
  readonly maintenance: RepoApi<DatabaseMaintenance>;
  readonly schemaVersion: number;
  /** Every committed change to conversations, items and projects (subscribe here; the repos announce). */
  readonly changes: StoreChanges;
  private readonly feed = new ChangeFeed();
  private readonly gate: SqliteGate;
  /** Touches the database (a liveness check) and reads the journal mode, prepared once: `db.pragma()` prepares on every call. */
  private readonly pingStmt;
  private readonly journalMode: string;

  constructor(private readonly db: Database.Database, onQuery?: QueryObserver) {
    this.schemaVersion = migrate(db);
    const gate = (this.gate = new SqliteGate(db));
    const timer = new QueryTimer(onQuery);
    this.changes = this.feed;
    const announce = (change: StoreChange) => {
      // A transaction the feed does not know of would publish before its commit (or despite its rollback).
      if (db.inTransaction && !this.feed.inTransaction) {
        throw new Error('A write that announces changes ran in a transaction not opened by Store.transaction().');
      }
      this.feed.announce(change);
    };
    this.users = gate.facade(new UsersRepo(db, timer));
    this.apiKeys = gate.facade(new ApiKeysRepo(db, timer));
    this.sessions = gate.facade(new SessionsRepo(db, timer));
    this.passwords = gate.facade(new PasswordsRepo(db, timer));
    this.invitations = gate.facade(new InvitationsRepo(db, timer));
    this.audit = gate.facade(new AuditRepo(db, timer));
    this.memberData = gate.facade(new MemberDataRepo(db, timer, announce));
    this.settings = gate.facade(new SettingsRepo(db, timer));
    this.savedSettings = gate.facade(new SavedSettingsRepo(db, timer));
    this.projects = gate.facade(new ProjectsRepo(db, timer, announce));
    this.conversations = gate.facade(new ConversationsRepo(db, timer, announce));
    this.items = gate.facade(new ItemsRepo(db, timer, announce));
    this.mediaFiles = gate.facade(new MediaFilesRepo(db, timer));
    this.mediaOcr = gate.facade(new MediaOcrRepo(db, timer));
    this.mediaUploadSlots = gate.facade(new MediaUploadSlotsRepo(db, timer));
    this.responses = gate.facade(new ResponsesRepo(db, timer));
    this.metricsRollups = gate.facade(new MetricsRollupsRepo(db, timer));
    this.uptime = gate.facade(new UptimeRepo(db, timer));
    this.memberQuotas = gate.facade(new MemberQuotasRepo(db, timer));
    this.usage = gate.facade(new UsageRepo(db, timer));
    this.archive = gate.facade(new ArchiveRepo(db, timer, announce));
    this.idOwners = gate.facade(new IdOwnersRepo(db, timer));
    this.modelPulls = gate.facade(new ModelPullsRepo(db, timer));
    this.maintenance = gate.facade(new DatabaseMaintenance(db));
    this.pingStmt = db.prepare('SELECT 1').pluck();
    // Read once: only this connection sets it (at open), and a prepared PRAGMA is prepared again on every run.
    this.journalMode = String(db.pragma('journal_mode', { simple: true }));
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.feed.transaction(() => this.gate.transaction(fn));
  }

  async health(): Promise<StoreHealth> {
    try {
      this.pingStmt.get();
      return { ok: true, schemaVersion: this.schemaVersion, journalMode: this.journalMode };
    } catch (error) {
      return { ok: false, schemaVersion: this.schemaVersion, journalMode: 'unknown', error: (error as Error).message };
    }
  }

  async setSynchronous(mode: 'normal' | 'full'): Promise<void> {
    this.db.pragma(`synchronous = ${mode === 'full' ? 'FULL' : 'NORMAL'}`);
  }

  get file(): string {
    return this.db.name;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating if needed) and migrates the SQLite file; synchronous, as better-sqlite3 is. */
export function openStore(options: OpenStoreOptions): SqliteStore {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  try {
    // A new file gets incremental auto-vacuum (set before its first table), so freed pages can be given back
    // in small steps instead of one long VACUUM; an existing file keeps its mode.
    db.pragma('auto_vacuum = INCREMENTAL');
    // WAL lets readers run beside the writer. In WAL mode a commit is written to the WAL before the call
    // returns; NORMAL skips the fsync per commit, so a killed *process* loses nothing acknowledged (the OS
    // still has the pages) and only a power loss or OS crash can drop the last commits — never corrupt the
    // file. FULL adds that fsync for those who want power-loss durability (JAN_DB_SYNCHRONOUS=full).
    // test/http/crash.test.ts proves the first claim with SIGKILL under write load. foreign_keys is off by
    // default in SQLite.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return new SqliteStore(db, options.onQuery);
  } catch (error) {
    db.close();
    // A file whose header was overwritten or that was cut short fails the first statement above (SQLite reads
    // the header and schema then), before anything is written: say so in plain words, not a SqliteError.
    throw asDatabaseUnreadable(error, options.file) ?? error;
  }
}
