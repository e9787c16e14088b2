/**
 * Runs the maintenance jobs (archive, cleanup, optimize, backup) on their schedules and on demand.
 *
 * Concurrency rules: one job runs at a time (they share the database and the data folder), in the order
 * they were asked for; asking for a job that is already queued or running returns that run instead of a
 * second one. A job gets an AbortSignal, checks it between its small atomic steps, and reports
 * `interrupted` when it stopped early, or `skipped` (with the reason in its report) when it had nothing to do
 * here (the SQLite upkeep on PostgreSQL). `close()` aborts the running job, cancels the queued ones and the
 * timers, and waits for the running one to stop.
 *
 * Several replicas: a scheduled run first asks the `lease` (when given) for the job, and runs only if this
 * replica got it, so the cluster runs each round once; without a lease every scheduled run goes ahead (one
 * server). A run asked for through the API is not leased: the admin asked this replica.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, notFound } from '../errors/app-error.js';
import { asStorageFull } from '../errors/storage-errors.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { nowSeconds } from '../store/ids.js';

export type JobOptions = Record<string, unknown>;
/** `skipped`: why the job did nothing here (its run's status is then `skipped`). */
export type JobReport = Record<string, unknown> & { interrupted?: boolean; skipped?: string };

export interface JobDefinition {
  name: string;
  description: string;
  /** Milliseconds between scheduled runs; 0 runs it only on demand. */
  intervalMs: number;
  /** Milliseconds from start to the first scheduled run (default: one interval). */
  firstRunInMs?: () => number;
  run(signal: AbortSignal, options: JobOptions): Promise<JobReport>;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped';

export interface JobRun {
  object: 'job.run';
  id: string;
  job: string;
  trigger: 'schedule' | 'request';
  status: RunStatus;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  report: JobReport | null;
  error: string | null;
}

export interface JobStatus {
  object: 'job';
  name: string;
  description: string;
  interval_seconds: number | null;
  next_run_at: number | null;
  current_run: JobRun | null;
  last_run: JobRun | null;
}

/** Cluster-wide permission for one scheduled run (server/cluster/ provides one over Redis or PostgreSQL). */
export interface JobLease {
  /** True when this replica may run `job` now; the lease lapses after `ttlMs` unless released earlier. */
  acquire(job: string, ttlMs: number): Promise<boolean>;
}

/** A scheduled run holds its lease for most of the interval, so the next round is free for any replica to take. */
const LEASE_SHARE_OF_INTERVAL = 0.9;

export interface JobRunnerDeps {
  logger?: Logger;
  /** Guards scheduled runs when several replicas share the database (default: every scheduled run goes ahead). */
  lease?: JobLease;
  metrics?: Pick<Metrics, 'jobRuns' | 'jobLastSuccess'>;
  /** A job failed for lack of disk space (SQLITE_FULL, ENOSPC, EDQUOT). */
  onStorageFull?: () => void;
}

export class JobRunner {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly current = new Map<string, { run: JobRun; done: Promise<JobRun> }>();
  private readonly last = new Map<string, JobRun>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly nextAt = new Map<string, number>();
  private readonly controller = new AbortController();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(jobs: readonly JobDefinition[], private readonly deps: JobRunnerDeps = {}) {
    for (const job of jobs) this.jobs.set(job.name, job);
  }

  /** Starts the schedules. */
  start(): void {
    for (const job of this.jobs.values()) {
      if (job.intervalMs > 0) this.schedule(job, job.firstRunInMs?.() ?? job.intervalMs);
    }
  }

  list(): JobStatus[] {
    return [...this.jobs.keys()].map((name) => this.status(name));
  }

  status(name: string): JobStatus {
    const job = this.require(name);
    return {
      object: 'job',
      name,
      description: job.description,
      interval_seconds: job.intervalMs > 0 ? job.intervalMs / 1000 : null,
      next_run_at: this.nextAt.get(name) ?? null,
      current_run: this.current.get(name)?.run ?? null,
      last_run: this.last.get(name) ?? null,
    };
  }

  /** Queues the job (or returns its queued or running run); `done` settles when it has finished. */
  trigger(name: string, options: JobOptions = {}, trigger: JobRun['trigger'] = 'request'): { run: JobRun; done: Promise<JobRun> } {
    const job = this.require(name);
    const existing = this.current.get(name);
    if (existing) return existing;
    if (this.controller.signal.aborted) throw new AppError(503, 'service_unavailable_error', 'The server is shutting down.', { retryAfter: 5 });
    const run: JobRun = {
      object: 'job.run', id: `run_${randomBytes(8).toString('hex')}`, job: name, trigger, status: 'queued',
      queued_at: nowSeconds(), started_at: null, finished_at: null, report: null, error: null,
    };
    const done = (this.tail = this.tail.then(() => this.execute(job, run, options)));
    const entry = { run, done: done as Promise<JobRun> };
    this.current.set(name, entry);
    return entry;
  }

  async close(): Promise<void> {
    this.controller.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.tail.catch(() => undefined);
  }

  private async execute(job: JobDefinition, run: JobRun, options: JobOptions): Promise<JobRun> {
    const signal = this.controller.signal;
    run.started_at = nowSeconds();
    run.status = signal.aborted ? 'interrupted' : 'running';
    try {
      if (!signal.aborted) {
        run.report = await job.run(signal, options);
        run.status = run.report.interrupted || signal.aborted ? 'interrupted' : run.report.skipped ? 'skipped' : 'succeeded';
      }
    } catch (error) {
      run.status = 'failed';
      const full = asStorageFull(error);
      if (full) this.deps.onStorageFull?.();
      const known = full ?? error;
      run.error = known instanceof AppError ? known.message : 'The job failed; the server log has the details.';
      this.deps.logger?.error({ err: error, job: job.name }, 'maintenance job failed');
    }
    run.finished_at = nowSeconds();
    this.current.delete(job.name);
    this.last.set(job.name, run);
    this.deps.metrics?.jobRuns.inc({ job: job.name, result: run.status });
    if (run.status === 'succeeded') this.deps.metrics?.jobLastSuccess.set({ job: job.name }, run.finished_at);
    this.deps.logger?.info({ job: job.name, status: run.status, report: run.report }, 'maintenance job finished');
    return run;
  }

  private schedule(job: JobDefinition, inMs: number): void {
    if (this.controller.signal.aborted) return;
    const delay = Math.max(0, Math.min(inMs, 2 ** 31 - 1));
    this.nextAt.set(job.name, nowSeconds() + Math.round(delay / 1000));
    const timer = setTimeout(() => void this.runScheduled(job), delay);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  /** A scheduled round: run the job if the lease (if any) allows, then plan the next round whatever happened. */
  private async runScheduled(job: JobDefinition): Promise<void> {
    if (this.controller.signal.aborted) return;
    try {
      const lease = this.deps.lease;
      if (lease && !(await lease.acquire(job.name, Math.round(job.intervalMs * LEASE_SHARE_OF_INTERVAL)))) {
        this.deps.logger?.debug({ job: job.name }, 'maintenance job: another replica runs this round');
      } else if (!this.controller.signal.aborted) {
        await this.trigger(job.name, {}, 'schedule').done;
      }
    } catch (error) {
      // A lease that cannot be asked (its store is down) skips the round; the next one asks again.
      this.deps.logger?.error({ err: error, job: job.name }, 'maintenance job: the scheduled run could not start');
    }
    this.schedule(job, job.intervalMs);
  }

  private require(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job) throw notFound('job', name, 'name');
    return job;
  }
}
