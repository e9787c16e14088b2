/**
 * Media files: ingest from any source (multipart, resumable upload, data URL, remote URL, presigned PUT),
 * list, read, download and delete. Content is stored once per distinct SHA-256; each user sees only their own
 * files (another user's id is a 404), and uploading content you already have returns that file (`deduped`).
 *
 * Every ingest streams to a temp file while hashing, sniffs the type from the bytes, then records the file
 * and moves the content into place in one transaction, the move (synchronous) its last step; a delete removes
 * the content as its transaction's last step likewise (see blob-store.ts for why).
 */
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { MediaFile, MediaListQuery } from '../api/media.js';
import { badRequest, notFound } from '../errors/app-error.js';
import type { ByteRange, BlobStore, StagedFile } from './blob-store.js';
import { decodeDataUrl } from './data-url.js';
import { mapMediaErrors, MediaEmptyError, MediaTooLargeError, MediaUnsupportedTypeError, RemoteFetchError } from './media-errors.js';
import { FetchError, openUrl, type AddressPolicy } from '../net/index.js';
import { sniffType, type SniffedType } from './sniff-type.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { nowSeconds } from '../store/ids.js';
import type { MediaFileRow } from '../store/media-files-repo.js';
import { newMediaId } from '../store/media-ids.js';
import type { Store } from '../store/store.js';
import { listEnvelope } from '../api/list-envelope.js';

export type MediaSource = 'upload' | 'tus' | 'data_url' | 'remote_url' | 'presigned';

export interface IngestMeta {
  filename?: string | undefined;
  source: MediaSource;
  /** Use this id (a reserved presigned-upload id) instead of a new one; no dedup then. */
  id?: string;
  /** Refuse content whose sniffed type differs (presigned uploads promise a type). */
  expectMime?: string;
  /** When the transfer began, for the upload-duration metric (default: now). */
  startedAt?: number;
  /** OpenAI's file purpose (default `user_data`); the same content is deduplicated per purpose. */
  purpose?: string;
}

export interface IngestResult {
  file: MediaFileRow;
  deduped: boolean;
}

/** An upload's bytes on disk, hashed and counted, not yet anyone's file (see `stageUpload`). */
export interface StagedUpload {
  readonly staged: StagedFile;
  readonly filename: string | undefined;
  /** Deletes the bytes: the upload will not be committed (its request failed after the file part). */
  discard(): void;
}

export type { ByteRange };

/** Picks the range to serve once the file is known (its size and hash); undefined serves it all. */
export type RangeChooser = (file: { bytes: number; sha256: string }) => ByteRange | undefined;

export interface MediaContent {
  file: MediaFileRow;
  body: Readable;
  /** The served range, when the request asked for one. */
  range?: ByteRange;
}

export interface MediaServiceOptions {
  maxUploadBytes: number;
  remoteFetch: AddressPolicy;
  /** Time allowed for a remote-URL fetch, in ms. */
  remoteTimeoutMs?: number;
  /** Where a failed start-up sweep of orphaned blobs is reported (it runs in the background). */
  logger?: Pick<Logger, 'warn'>;
}

export function mediaFileFromRow(row: MediaFileRow): MediaFile {
  return {
    id: row.id,
    object: 'file',
    filename: row.filename,
    mime_type: row.mime_type,
    bytes: row.bytes,
    sha256: row.sha256,
    created_at: row.created_at,
  };
}

/** A display name only: no folders, no control characters, at most 255 characters. */
function cleanFilename(name: string | undefined, type: SniffedType): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return base === '' || base === '.' || base === '..' ? `upload.${type.ext}` : base;
}

export class MediaService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly metrics: Metrics,
    private readonly options: MediaServiceOptions,
  ) {
    // In the background (a constructor cannot wait): it is one transaction, so no ingest or delete interleaves.
    this.sweepOrphans().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'media: the sweep of orphaned blobs failed; the next start retries it'));
  }

  get maxUploadBytes(): number {
    return this.options.maxUploadBytes;
  }

  /**
   * An upload's first step: streams its bytes to a temp file while hashing them (at most `maxUploadBytes`).
   * `commitUpload` is the second, once the caller knows the request was whole (a multipart body can still
   * turn out malformed after its file part).
   */
  stageUpload(stream: Readable, filename: string | undefined): Promise<StagedUpload> {
    return mapMediaErrors(async () => {
      const staged = await this.blobs.stageStream(stream, this.options.maxUploadBytes);
      return { staged, filename, discard: () => this.blobs.discard(staged.path) };
    });
  }

  /**
   * An upload's second step: the staged bytes become `userId`'s file. `startedAt`: when the transfer began (ms);
   * `purpose`: the Files API's (default `user_data`).
   */
  commitUpload(userId: string, upload: StagedUpload, startedAt: number, purpose?: string): Promise<IngestResult> {
    return mapMediaErrors(() => this.commit(userId, upload.staged, { filename: upload.filename, source: 'upload', startedAt, ...(purpose && { purpose }) }));
  }

  /** Ingests a stream (presigned PUT, remote URL, data URL). */
  ingestStream(userId: string, stream: Readable, meta: IngestMeta): Promise<IngestResult> {
    return mapMediaErrors(async () => {
      const staged = await this.blobs.stageStream(stream, this.options.maxUploadBytes);
      return this.commit(userId, staged, meta);
    });
  }

  /** Ingests a file already on disk (a finished resumable upload); the file is moved, not copied. */
  ingestPath(userId: string, path: string, meta: IngestMeta): Promise<IngestResult> {
    return mapMediaErrors(async () => this.commit(userId, await this.blobs.stageFile(path), meta));
  }

  ingestDataUrl(userId: string, dataUrl: string, filename: string | undefined): Promise<IngestResult> {
    return mapMediaErrors(async () => {
      const bytes = decodeDataUrl(dataUrl, this.options.maxUploadBytes);
      return this.ingestStream(userId, Readable.from([bytes]), { filename, source: 'data_url' });
    }, 'source.data_url');
  }

  ingestRemoteUrl(userId: string, url: string, filename: string | undefined, signal?: AbortSignal): Promise<IngestResult> {
    return mapMediaErrors(async () => {
      const startedAt = Date.now();
      try {
        const remote = await openUrl(url, {
          policy: this.options.remoteFetch, maxRedirects: 3, maxBytes: this.options.maxUploadBytes,
          timeoutMs: this.options.remoteTimeoutMs ?? 30_000, ...(signal && { signal }),
        });
        const name = filename ?? decodeURIComponent(new URL(remote.url).pathname.split('/').pop() ?? '');
        return await this.ingestStream(userId, remote.body, { filename: name, source: 'remote_url', startedAt });
      } catch (error) {
        throw error instanceof FetchError ? this.remoteFetchError(error) : error;
      }
    }, 'source.url');
  }

  /** The fetcher's refusals as the media errors (and so the statuses and messages) remote ingest has always had. */
  private remoteFetchError(error: FetchError): Error {
    if (error.code === 'too_large') return new MediaTooLargeError(this.options.maxUploadBytes);
    if (error.code === 'disabled') return new RemoteFetchError('Remote-URL ingest is switched off on this server (JAN_MEDIA_REMOTE_FETCH=off).', 'remote_fetch_disabled');
    return new RemoteFetchError(error.message, error.code === 'blocked' ? 'remote_fetch_blocked' : 'remote_fetch_failed');
  }

  async get(userId: string, id: string): Promise<MediaFileRow> {
    const row = await this.store.mediaFiles.get(userId, id);
    if (!row) throw notFound('file', id, 'file_id');
    return row;
  }

  async list(userId: string, query: z.infer<typeof MediaListQuery>) {
    let after: MediaFileRow | undefined;
    if (query.after) {
      after = await this.store.mediaFiles.get(userId, query.after);
      if (!after) throw badRequest(`Invalid 'after': no file '${query.after}'.`, 'after');
    }
    const page = await this.store.mediaFiles.list(userId, { order: query.order, limit: query.limit, after });
    return listEnvelope(page.rows.map(mediaFileFromRow), page.hasMore);
  }

  /**
   * The content goes with its last file, removed as the transaction's last step (synchronous, like `adopt`):
   * an ingest of the same content then either committed before (the blob's row stays and so does the file) or
   * waits for this commit (and moves its own copy into place). Should the commit fail after the removal, the
   * file whose delete was asked for is left without content — it can be deleted again.
   */
  async delete(userId: string, id: string) {
    const result = await this.store.transaction(async () => {
      const deleted = await this.store.mediaFiles.deleteFile(userId, id);
      if (deleted.orphanSha256) this.blobs.remove(deleted.orphanSha256);
      return deleted;
    });
    if (!result.deleted) throw notFound('file', id, 'file_id');
    await this.updateStorageGauge();
    return { id, object: 'file' as const, deleted: true as const };
  }

  /** The file's bytes, or the one range `rangeFor` picks. */
  async open(userId: string, id: string, rangeFor?: RangeChooser): Promise<MediaContent> {
    return this.openRow(await this.get(userId, id), rangeFor);
  }

  /** For signed URLs, which proved access without a user. */
  async openAnyOwner(id: string, rangeFor?: RangeChooser): Promise<MediaContent> {
    const row = await this.store.mediaFiles.getAnyOwner(id);
    if (!row) throw notFound('file', id, 'file_id');
    return this.openRow(row, rangeFor);
  }

  /** Where the content is on disk (for text extraction). */
  pathOf(row: MediaFileRow): string {
    return this.blobs.pathOf(row.sha256);
  }

  private openRow(file: MediaFileRow, rangeFor?: RangeChooser): MediaContent {
    const range = rangeFor?.(file);
    return { file, body: this.blobs.read(file.sha256, range), ...(range && { range }) };
  }

  private async commit(userId: string, staged: StagedFile, meta: IngestMeta): Promise<IngestResult> {
    let type: SniffedType;
    try {
      if (staged.bytes === 0) throw new MediaEmptyError();
      const head = await this.blobs.head(staged.path);
      const sniffed = await sniffType(head, staged.bytes <= head.length);
      if (!sniffed.type || (meta.expectMime && sniffed.type.mime !== meta.expectMime)) throw new MediaUnsupportedTypeError(sniffed.detected);
      type = sniffed.type;
    } catch (error) {
      this.blobs.discard(staged.path);
      throw error;
    }
    const result = await this.record(userId, staged, type, meta);
    this.metrics.uploadBytes.inc({ source: meta.source }, staged.bytes);
    this.metrics.uploadDuration.observe({ source: meta.source }, (Date.now() - (meta.startedAt ?? Date.now())) / 1000);
    await this.updateStorageGauge();
    return result;
  }

  /**
   * The row changes and the file move, in one transaction. The move is the transaction's last step, and
   * synchronous (nothing runs between it and the commit): when it fails (a full disk) the rows roll back; when
   * the commit fails after it (SQLITE_FULL), the file stays as a blob without rows, which the next upload of
   * the same content takes over. Either way the temp file is gone. A delete of the same content cannot slip
   * between the rows and the move: it removes the file in its own transaction (see `delete`), and on
   * PostgreSQL our blob row's insert waits for its commit.
   */
  private async record(userId: string, staged: StagedFile, type: SniffedType, meta: IngestMeta): Promise<IngestResult> {
    try {
      return await this.store.transaction(async (): Promise<IngestResult> => {
        const result = await this.insertRows(userId, staged, type, meta);
        this.blobs.adopt(staged);
        return result;
      });
    } catch (error) {
      this.blobs.discard(staged.path); // gone already when it was moved into place
      throw error;
    }
  }

  /** The file's rows (and its blob's, when new); the user's earlier file with the same content instead when there is one. */
  private async insertRows(userId: string, staged: StagedFile, type: SniffedType, meta: IngestMeta): Promise<IngestResult> {
    const now = nowSeconds();
    const purpose = meta.purpose ?? 'user_data';
    const existing = meta.id ? undefined : await this.store.mediaFiles.findBySha256(userId, staged.sha256, purpose);
    if (existing) return { file: existing, deduped: true };
    await this.store.mediaFiles.insertBlob({ sha256: staged.sha256, bytes: staged.bytes, mime_type: type.mime, created_at: now });
    const id = meta.id ?? newMediaId();
    await this.store.mediaFiles.insertFile({ id, user_id: userId, sha256: staged.sha256, filename: cleanFilename(meta.filename, type), source: meta.source, purpose, created_at: now });
    return { file: (await this.store.mediaFiles.get(userId, id))!, deduped: false };
  }

  /** Blob rows no file refers to (a deleted user's content), and their files, removed as in `delete`. */
  private async sweepOrphans(): Promise<void> {
    await this.store.transaction(async () => {
      for (const sha256 of await this.store.mediaFiles.deleteOrphanBlobs()) this.blobs.remove(sha256);
    });
    await this.updateStorageGauge();
  }

  private async updateStorageGauge(): Promise<void> {
    this.metrics.mediaStorageBytes.set(await this.store.mediaFiles.storageBytes());
  }
}
