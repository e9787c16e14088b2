/** PostgreSQL twin of media-upload-slots-repo.ts: media ids reserved for a presigned upload until used or expired. */
import type { MediaUploadSlotsRepo, UploadSlotRow } from '../media-upload-slots-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

export class PgMediaUploadSlotsRepo implements RepoApi<MediaUploadSlotsRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async insert(row: UploadSlotRow): Promise<void> {
    await this.sql.run('media_slots.insert', 'INSERT INTO media_upload_slots (id, user_id, mime_type, expires_at) VALUES ($1, $2, $3, $4)', [
      row.id,
      row.user_id,
      row.mime_type,
      row.expires_at,
    ]);
  }

  /** One statement, so two replicas taking the same slot at once cannot both get it. */
  async take(id: string, now: number): Promise<UploadSlotRow | undefined> {
    return this.sql.get(
      'media_slots.take',
      'DELETE FROM media_upload_slots WHERE id = $1 AND expires_at > $2 RETURNING id, user_id, mime_type, expires_at',
      [id, now],
    );
  }

  async restore(row: UploadSlotRow): Promise<void> {
    await this.insert(row);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.sql.run('media_slots.expire', 'DELETE FROM media_upload_slots WHERE expires_at <= $1', [now]);
  }
}
