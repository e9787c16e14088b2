/**
 * Wiring of the operations side: limits, the response cache, the archive, the maintenance jobs (archive,
 * cleanup, optimize, backup), export and import. Called from create-services.ts: `createOperations` before
 * the conversation services (they take the archive as a hook; the cache follows the store's changes), `createJobs` after the media
 * services (cleanup calls their upload sweep). start-server.ts starts the jobs after listening and closes
 * them before the store.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { badRequest } from '../errors/app-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { Store } from '../store/store.js';
import { ArchiveService } from './archive-service.js';
import { backupDirOf, BackupService } from './backup-service.js';
import { ExportService } from './export-service.js';
import { ImportService } from './import-service.js';
import { CleanupJob } from './cleanup-job.js';
import { JobRunner, type JobDefinition, type JobLease } from './job-runner.js';
import { OptimizeJob } from './optimize-job.js';
import { LimitsService, type SharedClientRates } from '../limits/index.js';
import { invalidateOnStoreChanges, ResponseCache } from '../cache/index.js';
import { mediaDirOf } from '../media/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Scheduled maintenance starts a little after start-up, not during it. */
const FIRST_MAINTENANCE_MS = 5 * MINUTE;
const FIRST_BACKUP_MS = MINUTE;
/** An item line carries one item, which the API took in a JSON body of at most JAN_BODY_LIMIT_BYTES. */
const MIN_LINE_BYTES = 16 * 1024 * 1024;

/** `shared`: state replicas share through Redis (server/cluster/), when JAN_REDIS_URL is set. */
export function createOperations(store: Store, config: Config, metrics: Metrics, shared: { clientRates?: SharedClientRates } = {}) {
  const limits = new LimitsService({ ...config, metrics, ...(shared.clientRates && { sharedClientRates: shared.clientRates }) });
  const responseCache = new ResponseCache({ maxBytes: config.responseCacheBytes, metrics });
  // Every committed write to conversations and items drops what it made stale; no write path calls the cache.
  invalidateOnStoreChanges(responseCache, store.changes);
  const archive = new ArchiveService(store, { dir: join(config.dataDir, 'archive') });
  return { limits, responseCache, archive };
}

export interface JobsDeps {
  operations: ReturnType<typeof createOperations>;
  /** The media uploads' sweep of expired unfinished uploads. */
  sweepUploads?: () => Promise<number>;
  logger?: Logger;
  /** A job failed for lack of disk space (the health report's `disk_full`). */
  onStorageFull?: () => void;
  /** With several replicas: the cluster-wide lease each scheduled run asks for first (see job-runner.ts). */
  lease?: JobLease;
}

function jobDefinitions(store: Store, config: Config, deps: JobsDeps, backups: BackupService): JobDefinition[] {
  const { archive } = deps.operations;
  const maintenanceMs = config.maintenanceIntervalMinutes * MINUTE;
  const dayOld = 24 * HOUR;
  const cleanup = new CleanupJob({
    tempFolders: [
      { dir: join(mediaDirOf(config), 'tmp'), olderThanMs: dayOld },
      { dir: join(mediaDirOf(config), 'uploads'), olderThanMs: dayOld, match: /\.done$/ },
      { dir: archive.dir, olderThanMs: HOUR, match: /\.tmp$/ },
    ],
    archiveDir: archive.dir,
    referencedArchiveFiles: () => archive.referencedFiles(),
    sweepBackups: () => backups.sweepLeftovers(),
    ...(deps.sweepUploads && { sweepUploads: deps.sweepUploads }),
  });
  const optimize = new OptimizeJob(store);
  const first = () => FIRST_MAINTENANCE_MS;
  // SQLite's upkeep; on PostgreSQL their runs report `skipped` (and why), and the descriptions say so up front.
  const sqlite = store.maintenance !== undefined;
  return [
    {
      name: 'archive', description: `Moves conversations unchanged for ${config.archiveAfterDays} days into compressed files (option: older_than_days).`,
      intervalMs: config.archiveAfterDays > 0 ? maintenanceMs : 0, firstRunInMs: first,
      run: (signal, options) => {
        const days = typeof options.older_than_days === 'number' ? options.older_than_days : config.archiveAfterDays;
        // With archiving off, 0 would mean "everything": a run on demand must then say how old.
        if (days === 0 && options.older_than_days === undefined) throw badRequest('Archiving is off (JAN_ARCHIVE_AFTER_DAYS=0); give older_than_days to run it once.', 'older_than_days');
        return archive.run(days, signal);
      },
    },
    {
      name: 'cleanup', description: 'Deletes unfinished uploads past their resume window, stale temp files and orphaned archive files.',
      intervalMs: maintenanceMs, firstRunInMs: first, run: (signal) => cleanup.run(signal),
    },
    {
      name: 'optimize',
      description: sqlite
        ? 'Refreshes query statistics, checkpoints the WAL and frees unused pages (option: full, a blocking VACUUM).'
        : 'Skipped on PostgreSQL, whose autovacuum keeps statistics and free space.',
      intervalMs: maintenanceMs, firstRunInMs: first, run: (signal, options) => optimize.run(signal, { full: options.full === true }),
    },
    {
      name: 'backup',
      description: sqlite
        ? `Writes an online backup of the database to ${backups.dir}, keeping the newest ${config.backupKeep}.`
        : 'Skipped on PostgreSQL: back the database up with pg_dump or the backups of the operator that runs it.',
      intervalMs: config.backupIntervalHours * HOUR,
      // Soon after start when the newest backup is older than one interval, else when it will be.
      firstRunInMs: () => {
        const newest = backups.list()[0];
        const due = newest ? newest.created_at * 1000 + config.backupIntervalHours * HOUR - Date.now() : 0;
        return Math.max(FIRST_BACKUP_MS, due);
      },
      run: (signal) => backups.run(signal),
    },
  ];
}

export function createJobs(store: Store, config: Config, metrics: Metrics, deps: JobsDeps) {
  const backups = new BackupService(store, { dir: backupDirOf(config), keep: config.backupKeep });
  backups.sweepLeftovers(); // what a backup cut short by the process dying left (this process holds the data folder)
  const jobs = new JobRunner(jobDefinitions(store, config, deps, backups), {
    metrics, ...(deps.logger && { logger: deps.logger }), ...(deps.onStorageFull && { onStorageFull: deps.onStorageFull }),
    ...(deps.lease && { lease: deps.lease }),
  });
  return {
    jobs,
    backups,
    exports: new ExportService(store, deps.operations.archive),
    imports: new ImportService(store, { maxBytes: config.importMaxBytes, maxLineBytes: Math.max(MIN_LINE_BYTES, 2 * config.bodyLimitBytes) }),
  };
}
