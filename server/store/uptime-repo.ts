import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** One run of the server; times in unix seconds. `stopped_at` is set only by a clean stop. */
export interface UptimeRunRow {
  id: number;
  started_at: number;
  last_seen_at: number;
  stopped_at: number | null;
}

/** The server's runs and their heartbeats (migration 008). */
export class UptimeRepo {
  private readonly startStmt;
  private readonly beatStmt;
  private readonly stopStmt;
  private readonly sinceStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.startStmt = db.prepare<[number, number]>('INSERT INTO uptime_runs (started_at, last_seen_at) VALUES (?, ?)');
    this.beatStmt = db.prepare<[number, number]>('UPDATE uptime_runs SET last_seen_at = ? WHERE id = ?');
    this.stopStmt = db.prepare<[number, number, number]>('UPDATE uptime_runs SET last_seen_at = ?, stopped_at = ? WHERE id = ?');
    // The runs that reach into the period, and the one before it (whose end opens the first gap).
    this.sinceStmt = db.prepare<[number, number], UptimeRunRow>(
      `SELECT id, started_at, last_seen_at, stopped_at FROM uptime_runs
       WHERE last_seen_at >= ? OR id = (SELECT max(id) FROM uptime_runs WHERE last_seen_at < ?)
       ORDER BY started_at, id`,
    );
  }

  /** Records a new run; returns its id. */
  start(now: number): number {
    return this.timer.run('uptime.start', () => Number(this.startStmt.run(now, now).lastInsertRowid));
  }

  beat(id: number, now: number): void {
    this.timer.run('uptime.beat', () => this.beatStmt.run(now, id));
  }

  /** A clean stop: the gap until the next start is maintenance, not downtime. */
  stop(id: number, now: number): void {
    this.timer.run('uptime.stop', () => this.stopStmt.run(now, now, id));
  }

  /** Runs alive at or after `from`, plus the last run before it, oldest first. */
  since(from: number): UptimeRunRow[] {
    return this.timer.run('uptime.since', () => this.sinceStmt.all(from, from));
  }
}
