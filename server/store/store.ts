/**
 * Opens the SQLite database and builds one repo per table. The only module that owns the connection;
 * `close()` must be called once (start-server does it last on shutdown).
 *
 * better-sqlite3 is synchronous: a transaction runs start to end on the event loop, so never `await` inside one.
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
  journalMode: string;
  error?: string;
}

export class Store {
  readonly users: UsersRepo;
  readonly apiKeys: ApiKeysRepo;
  readonly sessions: SessionsRepo;
  readonly passwords: PasswordsRepo;
  readonly invitations: InvitationsRepo;
  readonly audit: AuditRepo;
  readonly memberData: MemberDataRepo;
  readonly settings: SettingsRepo;
  readonly savedSettings: SavedSettingsRepo;
  readonly projects: ProjectsRepo;
  readonly conversations: ConversationsRepo;
  readonly items: ItemsRepo;
  readonly mediaFiles: MediaFilesRepo;
  readonly mediaOcr: MediaOcrRepo;
  readonly mediaUploadSlots: MediaUploadSlotsRepo;
  readonly responses: ResponsesRepo;
  readonly metricsRollups: MetricsRollupsRepo;
  readonly uptime: UptimeRepo;
  readonly memberQuotas: MemberQuotasRepo;
  readonly usage: UsageRepo;
  readonly archive: ArchiveRepo;
  readonly idOwners: IdOwnersRepo;
  readonly modelPulls: ModelPullsRepo;
  readonly maintenance: DatabaseMaintenance;
  readonly schemaVersion: number;
  /** Every committed change to conversations, items and projects (subscribe here; the repos announce). */
  readonly changes: StoreChanges;
  private readonly feed = new ChangeFeed();
  /** Touches the database (a liveness check) and reads the journal mode, prepared once: `db.pragma()` prepares on every call. */
  private readonly journalModeStmt;

  constructor(private readonly db: Database.Database, onQuery?: QueryObserver) {
    this.schemaVersion = migrate(db);
    const timer = new QueryTimer(onQuery);
    this.changes = this.feed;
    const announce = (change: StoreChange) => {
      // A transaction the feed does not know of would publish before its commit (or despite its rollback).
      if (db.inTransaction && !this.feed.inTransaction) {
        throw new Error('A write that announces changes ran in a transaction not opened by Store.transaction().');
      }
      this.feed.announce(change);
    };
    this.users = new UsersRepo(db, timer);
    this.apiKeys = new ApiKeysRepo(db, timer);
    this.sessions = new SessionsRepo(db, timer);
    this.passwords = new PasswordsRepo(db, timer);
    this.invitations = new InvitationsRepo(db, timer);
    this.audit = new AuditRepo(db, timer);
    this.memberData = new MemberDataRepo(db, timer, announce);
    this.settings = new SettingsRepo(db, timer);
    this.savedSettings = new SavedSettingsRepo(db, timer);
    this.projects = new ProjectsRepo(db, timer, announce);
    this.conversations = new ConversationsRepo(db, timer, announce);
    this.items = new ItemsRepo(db, timer, announce);
    this.mediaFiles = new MediaFilesRepo(db, timer);
    this.mediaOcr = new MediaOcrRepo(db, timer);
    this.mediaUploadSlots = new MediaUploadSlotsRepo(db, timer);
    this.responses = new ResponsesRepo(db, timer);
    this.metricsRollups = new MetricsRollupsRepo(db, timer);
    this.uptime = new UptimeRepo(db, timer);
    this.memberQuotas = new MemberQuotasRepo(db, timer);
    this.usage = new UsageRepo(db, timer);
    this.archive = new ArchiveRepo(db, timer, announce);
    this.idOwners = new IdOwnersRepo(db, timer);
    this.modelPulls = new ModelPullsRepo(db, timer);
    this.maintenance = new DatabaseMaintenance(db);
    this.journalModeStmt = db.prepare('PRAGMA journal_mode').pluck();
  }

  /**
   * Runs `fn` in one transaction (all or nothing; nested, a savepoint). `fn` must be synchronous. What it
   * wrote is announced on `changes` after the outermost transaction commits, and never if it rolls back.
   */
  transaction<T>(fn: () => T): T {
    return this.feed.transaction(() => this.db.transaction(fn)());
  }

  health(): StoreHealth {
    try {
      return { ok: true, schemaVersion: this.schemaVersion, journalMode: String(this.journalModeStmt.get()) };
    } catch (error) {
      return { ok: false, schemaVersion: this.schemaVersion, journalMode: 'unknown', error: (error as Error).message };
    }
  }

  /** SQLite `synchronous` for this connection (a saved setting is known only once the database is open). */
  setSynchronous(mode: 'normal' | 'full'): void {
    this.db.pragma(`synchronous = ${mode === 'full' ? 'FULL' : 'NORMAL'}`);
  }

  /** Path of the database file. */
  get file(): string {
    return this.db.name;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function openStore(options: OpenStoreOptions): Store {
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
    return new Store(db, options.onQuery);
  } catch (error) {
    db.close();
    // A file whose header was overwritten or that was cut short fails the first statement above (SQLite reads
    // the header and schema then), before anything is written: say so in plain words, not a SqliteError.
    throw asDatabaseUnreadable(error, options.file) ?? error;
  }
}
