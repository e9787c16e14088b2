/**
 * OpenAI's Files API over the media store. A file is a media file (same id, same per-user isolation, same
 * content deduplication — per purpose here, so a file keeps the purpose it was uploaded with) shown in
 * OpenAI's shape: `{id, object:"file", bytes, created_at, filename, purpose, status:"processed"}`. Files have
 * no expiry, so `expires_at` is left out (OpenAI's schema types it as an integer, never null).
 */
import type { FileListQuery, FilePurpose, OpenAiFile } from '../api/files.js';
import { listEnvelope } from '../api/list-envelope.js';
import { badRequest } from '../errors/app-error.js';
import type { MediaFileRow } from '../store/media-files-repo.js';
import type { Store } from '../store/store.js';
import type { MediaContent, MediaService, RangeChooser, StagedUpload } from './media-service.js';

export function openAiFileFromRow(row: MediaFileRow): OpenAiFile {
  return {
    id: row.id,
    object: 'file',
    bytes: row.bytes,
    created_at: row.created_at,
    filename: row.filename,
    purpose: row.purpose,
    status: 'processed',
  };
}

export class FilesService {
  constructor(
    private readonly store: Store,
    private readonly media: MediaService,
  ) {}

  /** Commits a staged multipart upload as `userId`'s file for `purpose`. `startedAt`: when the transfer began (ms). */
  async create(userId: string, upload: StagedUpload, purpose: FilePurpose, startedAt: number): Promise<OpenAiFile> {
    const { file } = await this.media.commitUpload(userId, upload, startedAt, purpose);
    return openAiFileFromRow(file);
  }

  async list(userId: string, query: FileListQuery) {
    let after: MediaFileRow | undefined;
    if (query.after) {
      after = await this.store.mediaFiles.get(userId, query.after);
      if (!after) throw badRequest(`Invalid 'after': no file '${query.after}'.`, 'after');
    }
    const page = await this.store.mediaFiles.list(userId, { order: query.order, limit: query.limit, after }, query.purpose);
    return listEnvelope(page.rows.map(openAiFileFromRow), page.hasMore);
  }

  async get(userId: string, id: string): Promise<OpenAiFile> {
    return openAiFileFromRow(await this.media.get(userId, id));
  }

  open(userId: string, id: string, rangeFor?: RangeChooser): Promise<MediaContent> {
    return this.media.open(userId, id, rangeFor);
  }

  delete(userId: string, id: string) {
    return this.media.delete(userId, id);
  }
}
