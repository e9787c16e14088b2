/**
 * JobRunner's scheduling seams: a scheduled run asks the lease first (and runs only when this replica gets it),
 * a lease that fails skips the round without an unhandled rejection, a run asked for on demand is not leased,
 * and a job that reports `skipped` (the SQLite upkeep on PostgreSQL) gets that status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JobRunner, type JobDefinition, type JobLease, type JobStatus } from '../../server/lifecycle/job-runner.js';

const HOUR = 3_600_000;
const runners: JobRunner[] = [];

/** A job scheduled to run at once and then hourly (so one round in a test), counting its runs. */
function countingJob(report: Record<string, unknown> = {}): JobDefinition & { runs: number } {
  const job = { name: 'archive', description: 'test', intervalMs: HOUR, firstRunInMs: () => 0, runs: 0, run: async () => (job.runs++, report) };
  return job;
}

function runnerWith(job: JobDefinition, lease?: JobLease): JobRunner {
  const runner = new JobRunner([job], lease ? { lease } : {});
  runners.push(runner);
  return runner;
}

/** Waits until the first scheduled round has been decided (run, or skipped for the lease). */
async function untilScheduledAgain(runner: JobRunner, name: string, first: JobStatus['next_run_at']): Promise<JobStatus> {
  for (;;) {
    const status = runner.status(name);
    if (status.next_run_at !== first && status.current_run === null) return status;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

describe('JobRunner and the cluster lease', () => {
  it('runs a scheduled round when the lease is granted, asking for most of the interval', async () => {
    const asked: Array<[string, number]> = [];
    const job = countingJob();
    const runner = runnerWith(job, { acquire: async (name, ttlMs) => (asked.push([name, ttlMs]), true) });
    runner.start();
    const status = await untilScheduledAgain(runner, 'archive', runner.status('archive').next_run_at);
    expect(asked).toEqual([['archive', 0.9 * HOUR]]);
    expect(job.runs).toBe(1);
    expect(status.last_run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
  });

  it('skips a scheduled round another replica holds, and one whose lease cannot be asked, and plans the next', async () => {
    for (const acquire of [async () => false, async () => Promise.reject(new Error('redis is down'))]) {
      const job = countingJob();
      const runner = runnerWith(job, { acquire });
      runner.start();
      const first = runner.status('archive').next_run_at;
      const status = await untilScheduledAgain(runner, 'archive', first);
      expect(job.runs).toBe(0);
      expect(status.last_run).toBeNull();
      expect(status.next_run_at).toBeGreaterThan(first!);
    }
  });

  it('does not lease a run asked for on demand', async () => {
    const job = countingJob();
    const runner = runnerWith(job, { acquire: async () => false });
    const run = await runner.trigger('archive').done;
    expect(run).toMatchObject({ trigger: 'request', status: 'succeeded' });
    expect(job.runs).toBe(1);
  });

  it('gives a run whose report says `skipped` that status', async () => {
    const runner = runnerWith(countingJob({ skipped: 'The database is PostgreSQL.' }));
    const run = await runner.trigger('archive').done;
    expect(run).toMatchObject({ status: 'skipped', report: { skipped: 'The database is PostgreSQL.' }, error: null });
  });
});
