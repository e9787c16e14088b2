import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export interface UploadSlotRow {
  id: string;
  user_id: string;
  mime_type: string;
  /** Unix seconds. */
  expires_at: number;
}

/** Media ids reserved by `prepare-upload` until their presigned PUT arrives (used once) or they expire. */
export class MediaUploadSlotsRepo {
  private readonly insertStmt;
  private readonly takeStmt;
  private readonly expireStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<UploadSlotRow>(
      'INSERT INTO media_upload_slots (id, user_id, mime_type, expires_at) VALUES (@id, @user_id, @mime_type, @expires_at)',
    );
    this.takeStmt = db.prepare<[string, number], UploadSlotRow>(
      'DELETE FROM media_upload_slots WHERE id = ? AND expires_at > ? RETURNING id, user_id, mime_type, expires_at',
    );
    this.expireStmt = db.prepare<[number]>('DELETE FROM media_upload_slots WHERE expires_at <= ?');
  }

  insert(row: UploadSlotRow): void {
    this.timer.run('media_slots.insert', () => this.insertStmt.run(row));
  }

  /** Removes and returns the slot when it exists and has not expired at `now`. */
  take(id: string, now: number): UploadSlotRow | undefined {
    return this.timer.run('media_slots.take', () => this.takeStmt.get(id, now));
  }

  /** Puts a slot back (its upload failed before it became a file). */
  restore(row: UploadSlotRow): void {
    this.insert(row);
  }

  deleteExpired(now: number): number {
    return this.timer.run('media_slots.expire', () => this.expireStmt.run(now).changes);
  }
}
