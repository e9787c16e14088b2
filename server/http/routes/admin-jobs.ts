/**
 * Maintenance jobs on demand (admin only): list them with their schedules and last runs, run one now, list
 * the backups. A run waits up to `wait_seconds` (default 20) for the job and answers 200 with its report, or
 * 202 with the run still going (poll `GET /v1/admin/jobs/{name}`); asking for a job that is already queued
 * or running returns that run.
 */
import { BackupList, Job, JobList, JobName, JobRun, JobRunBody } from '../../api/jobs.js';
import { endpoint } from '../endpoint.js';

const tags = ['admin'];
const DEFAULT_WAIT_SECONDS = 20;

export const list = endpoint({
  summary: 'The maintenance jobs (archive, cleanup, optimize, backup): schedule, next run, current and last run.',
  tags, access: 'admin', response: JobList,
  handle: (_, s) => ({ object: 'list' as const, data: s.jobs.list() }),
});

export const get = endpoint({
  summary: 'One maintenance job.', tags, access: 'admin', params: JobName, response: Job,
  handle: ({ params }, s) => s.jobs.status(params.name),
});

export const run = endpoint({
  summary: 'Run a maintenance job now: 200 with its report when it finishes within `wait_seconds`, else 202 (poll the job).',
  tags, access: 'admin', params: JobName, body: JobRunBody, response: JobRun, timeoutMs: 30_000,
  async handle({ params, body, ctx }, s) {
    const { wait_seconds: wait = DEFAULT_WAIT_SECONDS, ...options } = body;
    const { run: current, done } = s.jobs.trigger(params.name, options);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, wait * 1000, undefined)));
    const finished = await Promise.race([done, waited]).finally(() => clearTimeout(timer));
    ctx.status = finished ? 200 : 202;
    ctx.body = finished ?? current;
    return undefined;
  },
});

export const backups = endpoint({
  summary: 'The database backups kept in the backup folder, newest first (`npm run restore -- <file>` restores one); on PostgreSQL, a `note` on where backups come from instead.',
  tags, access: 'admin', response: BackupList,
  handle: (_, s) => ({ object: 'list' as const, directory: s.backups.dir, data: s.backups.list(), ...(s.backups.note && { note: s.backups.note }) }),
});
