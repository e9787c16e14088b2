/**
 * Records the server's uptime in the store so that availability can see downtime, which no request metric can:
 * a server that was down all night served no failing requests. Each run is a row; a heartbeat once a minute
 * moves its `last_seen_at`; a clean stop marks the gap that follows as planned maintenance (the guide excludes
 * scheduled maintenance from availability). A crash leaves the run without a stop, so the gap from its last
 * heartbeat to the next start counts as downtime (overstated by less than one heartbeat interval).
 *
 * Several replicas on one database: their runs overlap, and the service is up while any replica is. The runs
 * are merged into the stretches when at least one was up; a gap between stretches is maintenance when the run
 * that ended the stretch stopped cleanly, downtime otherwise. A run of another instance without a stop that
 * was seen within the last two heartbeats is alive (its heartbeat is not due yet); one of this instance that
 * is not this process's run is over (one host and port is one process). One server: one stretch per run, as
 * before.
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
  /** Unplanned gaps: from the last heartbeat of the run that was up last (it did not stop cleanly) to the next start. */
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
    /** This server's id among replicas on one database (instance-id.ts). */
    private readonly instance = '',
  ) {}

  async start(): Promise<void> {
    if (this.runId !== undefined || this.starting) return;
    this.starting = true;
    try {
      this.runId = await this.repo.start(this.seconds(), this.instance);
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
    const self = { instance: this.instance, aliveWithinSeconds: (2 * this.heartbeatMs) / 1000 };
    return summarize(await this.repo.since(Math.floor(fromMs / 1000)), Math.floor(fromMs / 1000), nowS, this.runId, self);
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

/** Who asks: runs of other instances seen within `aliveWithinSeconds` of the end of the period are still up. */
export interface SummarySelf {
  instance: string;
  aliveWithinSeconds: number;
}

type Run = Pick<UptimeRunRow, 'id' | 'started_at' | 'last_seen_at' | 'stopped_at'> & { instance?: string };

/**
 * Gaps between the stretches when at least one run was up, clipped to [from, to]; the period starts no earlier
 * than the first run. `currentRunId` (the caller's own run) is up until `to`.
 */
export function summarize(runs: readonly Run[], from: number, to: number, currentRunId?: number, self?: SummarySelf): UptimeSummary {
  const sorted = [...runs].sort((a, b) => a.started_at - b.started_at || a.id - b.id);
  const start = Math.max(from, sorted[0]?.started_at ?? to);
  const alive = (run: Run) =>
    run.id === currentRunId ||
    (self !== undefined && run.stopped_at === null && (run.instance ?? '') !== self.instance && run.last_seen_at >= to - self.aliveWithinSeconds);
  const endOf = (run: Run) => (alive(run) ? Infinity : (run.stopped_at ?? run.last_seen_at));
  let downtime = 0;
  let maintenance = 0;
  let incidents = 0;
  for (let i = 0; i < sorted.length; ) {
    // One stretch: runs that start before the ones so far have all ended. `last` ended it (on a tie, a crash:
    // a replica that failed then is not hidden by one stopped in the same second).
    let last = sorted[i]!;
    let end = endOf(last);
    let j = i + 1;
    for (; j < sorted.length && sorted[j]!.started_at <= end; j++) {
      const run = sorted[j]!;
      const runEnd = endOf(run);
      if (runEnd > end || (runEnd === end && run.stopped_at === null)) [last, end] = [run, runEnd];
    }
    i = j;
    if (end === Infinity) continue; // still up
    const gapEnd = sorted[j]?.started_at ?? to;
    const clipped = Math.min(gapEnd, to) - Math.max(end, start);
    if (clipped <= 0) continue;
    if (last.stopped_at !== null) maintenance += clipped;
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
