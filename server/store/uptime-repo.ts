import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/**
 * One run of the server; times in unix seconds. `stopped_at` is set only by a clean stop. Several replicas on
 * one database each add their own runs, which overlap; server/kpi/uptime-recorder.ts merges them.
 */
export interface UptimeRunRow {
  id: number;
  started_at: number;
  last_seen_at: number;
  stopped_at: number | null;
  /** The server that ran it (server/kpi/instance-id.ts); '' for runs from before migration 014. */
  instance: string;
}

/** The server's runs and their heartbeats (migrations 008 and 014). */
export class UptimeRepo {
  private readonly startStmt;
  private readonly beatStmt;
  private readonly stopStmt;
  private readonly sinceStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.startStmt = db.prepare<[number, number, string]>('INSERT INTO uptime_runs (started_at, last_seen_at, instance) VALUES (?, ?, ?)');
    this.beatStmt = db.prepare<[number, number]>('UPDATE uptime_runs SET last_seen_at = ? WHERE id = ?');
    this.stopStmt = db.prepare<[number, number, number]>('UPDATE uptime_runs SET last_seen_at = ?, stopped_at = ? WHERE id = ?');
    // The runs that reach into the period, and the one seen last before it (whose end opens the first gap; with
    // several replicas that is not always the newest run).
    this.sinceStmt = db.prepare<[number, number], UptimeRunRow>(
      `SELECT id, started_at, last_seen_at, stopped_at, instance FROM uptime_runs
       WHERE last_seen_at >= ? OR id = (SELECT id FROM uptime_runs WHERE last_seen_at < ? ORDER BY last_seen_at DESC, id DESC LIMIT 1)
       ORDER BY started_at, id`,
    );
  }

  /** Records a new run of `instance`; returns its id. */
  start(now: number, instance = ''): number {
    return this.timer.run('uptime.start', () => Number(this.startStmt.run(now, now, instance).lastInsertRowid));
  }

  beat(id: number, now: number): void {
    this.timer.run('uptime.beat', () => this.beatStmt.run(now, id));
  }

  /** A clean stop: the gap until the next start is maintenance, not downtime. */
  stop(id: number, now: number): void {
    this.timer.run('uptime.stop', () => this.stopStmt.run(now, now, id));
  }

  /** Runs alive at or after `from`, plus the one seen last before it, oldest first. */
  since(from: number): UptimeRunRow[] {
    return this.timer.run('uptime.since', () => this.sinceStmt.all(from, from));
  }
}
