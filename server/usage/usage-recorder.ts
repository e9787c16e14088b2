/**
 * Per-member usage counters, recorded off the hot path: a model request adds to an in-memory row of its
 * (clock hour, member, model); every few seconds and on close the rows are added to SQLite in one
 * transaction (additive upserts, so flushes and restarts within an hour just sum). Readers await `flush()`
 * first, so a report includes what happened a moment ago. Flushes run one at a time: a reader's flush waits
 * for one in progress (whose rows are then in neither the map nor the database) and then writes the rest.
 *
 * Each flush also snapshots the stored bytes (media + conversations) of the members who used the model since
 * the last flush, at most once per member and hour: storage is a level, kept hourly like the counters.
 *
 * Lifecycle: the constructor starts an unref'd timer; `close()` clears it and flushes (await it before the
 * store closes). Write errors are logged and the rows kept for the next flush: `flush()` never rejects.
 */
import type { Logger } from 'pino';
import type { RepoApi } from '../store/store.js';
import type { UsageHourRow, UsageRepo } from '../store/usage-repo.js';
import type { ModelUsage } from '../inference/index.js';

const HOUR = 3600;
const DAY = 86_400;
/** Unflushed rows kept at most, should the database refuse writes for long (oldest dropped beyond). */
const MAX_PENDING = 10_000;

export interface UsageRecorderOptions {
  intervalMs?: number;
  /** Unix milliseconds (wall clock: hours and days are UTC calendar hours and days). */
  now?: () => number;
  logger?: Pick<Logger, 'warn'>;
}

export const dayStartOf = (seconds: number) => Math.floor(seconds / DAY) * DAY;

export class UsageRecorder {
  private pending = new Map<string, UsageHourRow>();
  /** Members who used the model since the last flush (their storage is snapshotted then). */
  private active = new Set<string>();
  /** The hour of each member's last storage snapshot by this run. */
  private readonly snapshotAt = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  /** The flush in progress, if any (the next one starts after it). */
  private writing: Promise<void> | undefined;
  readonly now: () => number;

  constructor(
    private readonly repo: RepoApi<UsageRepo>,
    private readonly options: UsageRecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), options.intervalMs ?? 5000);
    this.timer.unref();
  }

  /** Adds one model request to its hour's row (a map update; nothing is written here). */
  record(usage: ModelUsage): void {
    const hour = Math.floor(this.now() / 1000 / HOUR) * HOUR;
    const key = `${hour}\u0000${usage.userId}\u0000${usage.modelId}`;
    let row = this.pending.get(key);
    if (!row) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
      row = { hour_start: hour, user_id: usage.userId, model: usage.modelId, requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, model_ms: 0 };
      this.pending.set(key, row);
    }
    row.requests += 1;
    if (usage.failed) row.errors += 1;
    row.prompt_tokens += usage.promptTokens;
    row.completion_tokens += usage.completionTokens;
    row.model_ms += usage.slotSeconds * 1000;
    this.active.add(usage.userId);
  }

  /** Tokens generated for the member since 00:00 UTC today, written or not. */
  async generatedToday(userId: string): Promise<number> {
    // Rows a flush has taken and not yet written are in neither place: wait for it (rare; usually none runs).
    if (this.writing) await this.writing;
    const since = dayStartOf(Math.floor(this.now() / 1000));
    let pending = 0;
    for (const row of this.pending.values()) if (row.user_id === userId && row.hour_start >= since) pending += row.completion_tokens;
    return (await this.repo.generatedSince(userId, since)) + pending;
  }

  /** Writes the rows recorded so far and the due storage snapshots, after any flush in progress. Never rejects. */
  flush(): Promise<void> {
    const run = (this.writing ?? Promise.resolve()).then(() => this.write()).catch((error: unknown) => {
      this.options.logger?.warn({ err: error }, 'usage counters not written');
    });
    this.writing = run;
    void run.then(() => {
      if (this.writing === run) this.writing = undefined;
    });
    return run;
  }

  private async write(): Promise<void> {
    const rows = [...this.pending.values()];
    const active = [...this.active];
    this.pending = new Map();
    this.active = new Set();
    try {
      await this.repo.add(rows);
    } catch (error) {
      // Keep them for the next try (merged with whatever came meanwhile).
      for (const row of rows) this.merge(row);
      for (const user of active) this.active.add(user);
      this.options.logger?.warn({ err: error }, 'usage counters not written; retrying at the next flush');
      return;
    }
    const hour = Math.floor(this.now() / 1000 / HOUR) * HOUR;
    for (const user of active) {
      if (this.snapshotAt.get(user) === hour) continue;
      try {
        await this.repo.snapshotStorage(user, hour, await this.repo.storedBytes(user));
        this.snapshotAt.set(user, hour);
      } catch (error) {
        this.options.logger?.warn({ err: error, user }, 'storage snapshot not written');
      }
    }
  }

  /** Snapshots a member's stored bytes now (e.g. when they upload), whatever the hour's snapshot says. */
  async snapshotStorage(userId: string, bytes: number): Promise<void> {
    const hour = Math.floor(this.now() / 1000 / HOUR) * HOUR;
    await this.repo.snapshotStorage(userId, hour, bytes);
    this.snapshotAt.set(userId, hour);
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.flush();
  }

  private merge(row: UsageHourRow): void {
    const key = `${row.hour_start}\u0000${row.user_id}\u0000${row.model}`;
    const into = this.pending.get(key);
    if (!into) {
      this.pending.set(key, row);
      return;
    }
    into.requests += row.requests;
    into.errors += row.errors;
    into.prompt_tokens += row.prompt_tokens;
    into.completion_tokens += row.completion_tokens;
    into.model_ms += row.model_ms;
  }
}
