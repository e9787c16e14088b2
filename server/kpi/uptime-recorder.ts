/**
 * Records the server's uptime in SQLite so that availability can see downtime, which no request metric can:
 * a server that was down all night served no failing requests. Each run is a row; a heartbeat once a minute
 * moves its `last_seen_at`; a clean stop marks the gap that follows as planned maintenance (the guide excludes
 * scheduled maintenance from availability). A crash leaves the run without a stop, so the gap from its last
 * heartbeat to the next start counts as downtime (overstated by less than one heartbeat interval).
 *
 * Lifecycle: `start()` once after the server listens, `stop()` once on a clean shutdown (awaited before the store
 * closes; it never rejects). A failed heartbeat is skipped, never thrown from its timer.
 */
import type { RepoApi } from '../store/store.js';
import type { UptimeRepo, UptimeRunRow } from '../store/uptime-repo.js';

export const HEARTBEAT_MS = 60_000;

export interface UptimeSummary {
  /** Seconds of the period the server was meant to be up (the period less maintenance, from the first run on). */
  observed_seconds: number;
  /** Unplanned gaps: from a run's last heartbeat (it did not stop cleanly) to the next start. */
  downtime_seconds: number;
  /** Gaps after clean stops, excluded from the observed time. */
  maintenance_seconds: number;
  /** Unplanned gaps in the period. */
  incidents: number;
  /** 1 − downtime / observed; null when nothing was observed. */
  ratio: number | null;
}

export class UptimeRecorder {
  private runId: number | undefined;
  private starting = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: RepoApi<UptimeRepo>,
    private readonly now: () => number = Date.now,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  async start(): Promise<void> {
    if (this.runId !== undefined || this.starting) return;
    this.starting = true;
    try {
      this.runId = await this.repo.start(this.seconds());
    } finally {
      this.starting = false;
    }
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** A clean stop: what follows until the next start is maintenance. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    try {
      if (this.runId !== undefined) await this.repo.stop(this.runId, this.seconds());
    } catch {
      // A full disk: the run reads as a crash at its last heartbeat; the shutdown goes on.
    }
    this.runId = undefined;
  }

  /** Uptime over [fromMs, now]. The current run counts as up to now. */
  async summary(fromMs: number): Promise<UptimeSummary> {
    const nowS = this.seconds();
    return summarize(await this.repo.since(Math.floor(fromMs / 1000)), Math.floor(fromMs / 1000), nowS, this.runId);
  }

  /** A failed heartbeat (a full disk) only makes the recorded uptime shorter; it must not reject in a timer. */
  private async beat(): Promise<void> {
    try {
      await this.repo.beat(this.runId!, this.seconds());
    } catch {
      // the next heartbeat tries again
    }
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** Gaps between consecutive runs, clipped to [from, to]; the period starts no earlier than the first run. */
export function summarize(runs: readonly UptimeRunRow[], from: number, to: number, currentRunId?: number): UptimeSummary {
  const first = runs[0];
  const start = Math.max(from, first?.started_at ?? to);
  let downtime = 0;
  let maintenance = 0;
  let incidents = 0;
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    if (run.id === currentRunId) continue; // still up
    const gapStart = run.stopped_at ?? run.last_seen_at;
    const gapEnd = runs[i + 1]?.started_at ?? to;
    const clipped = Math.min(gapEnd, to) - Math.max(gapStart, start);
    if (clipped <= 0) continue;
    if (run.stopped_at !== null) maintenance += clipped;
    else {
      downtime += clipped;
      incidents++;
    }
  }
  const observed = Math.max(0, to - start - maintenance);
  return {
    observed_seconds: observed,
    downtime_seconds: downtime,
    maintenance_seconds: maintenance,
    incidents,
    ratio: observed > 0 ? Math.max(0, 1 - downtime / observed) : null,
  };
}
