/** Maintenance jobs (`/v1/admin/jobs`) and backups (`/v1/admin/backups`). */
import { z } from 'zod';

export const JobName = z.object({ name: z.string().min(1).max(64) });

export const JobRun = z.object({
  object: z.literal('job.run'),
  id: z.string(),
  job: z.string(),
  trigger: z.enum(['schedule', 'request']),
  /** `skipped`: the job had nothing to do on this server (backup and optimize on PostgreSQL); `report.skipped` says why. */
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted', 'skipped']),
  queued_at: z.number().int(),
  started_at: z.number().int().nullable(),
  finished_at: z.number().int().nullable(),
  /** What the job did (per job: counts, bytes, file names). */
  report: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

export const Job = z.object({
  object: z.literal('job'),
  name: z.string(),
  description: z.string(),
  interval_seconds: z.number().nullable(),
  next_run_at: z.number().int().nullable(),
  current_run: JobRun.nullable(),
  last_run: JobRun.nullable(),
});

export const JobList = z.object({ object: z.literal('list'), data: z.array(Job) });

export const JobRunBody = z.strictObject({
  /** Seconds to wait for the run to finish before answering 202 with the run still going (default 20). */
  wait_seconds: z.number().int().min(0).max(25).optional(),
  /** archive: archive conversations unchanged for this many days (0: all) instead of the configured age. */
  older_than_days: z.number().int().min(0).max(36_500).optional(),
  /** optimize: a full VACUUM (blocks the server while it rebuilds the file). */
  full: z.boolean().optional(),
});

export const Backup = z.object({ name: z.string(), bytes: z.number().int(), created_at: z.number().int() });
export const BackupList = z.object({
  object: z.literal('list'),
  directory: z.string(),
  data: z.array(Backup),
  /** Present when this server makes no backups (PostgreSQL): where they come from instead. */
  note: z.string().optional(),
});
