/**
 * Resumable uploads as the media domain sees them: a folder of unfinished uploads (written by the HTTP
 * layer's tus server, http/tus-server.ts) that can be resumed for `resumeHours`; `finish` makes a finished
 * one a media file owned by its uploader, and `sweep` deletes the unfinished ones past their window.
 *
 * Lifecycle: sweeps once at start and then hourly; `close()` stops the timer.
 */
import { mkdirSync } from 'node:fs';
import { deleteExpiredUploads } from './expired-uploads.js';
import type { IngestResult, MediaService } from './media-service.js';

export interface MediaUploadsOptions {
  /** Where unfinished uploads are kept. */
  directory: string;
  /** The largest upload accepted, in bytes. */
  maxBytes: number;
  /** How long an unfinished upload can be resumed, in hours. */
  resumeHours: number;
}

export interface FinishedUpload {
  /** The upload's bytes; they are moved into the media store, not copied. */
  path: string;
  filename: string | undefined;
  /** When the upload was created, for the upload-duration metric. */
  createdAt: Date | undefined;
}

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export class MediaUploadsService {
  readonly directory: string;
  readonly maxBytes: number;
  /** How long after its creation an unfinished upload expires, in ms. */
  readonly expirationMs: number;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly media: MediaService,
    options: MediaUploadsOptions,
  ) {
    this.directory = options.directory;
    this.maxBytes = options.maxBytes;
    this.expirationMs = options.resumeHours * 3600 * 1000;
    mkdirSync(this.directory, { recursive: true });
    void this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  /** Makes a finished upload `userId`'s media file (or, `deduped`, the one they had with the same content). */
  finish(userId: string, upload: FinishedUpload): Promise<IngestResult> {
    const startedAt = upload.createdAt?.getTime();
    return this.media.ingestPath(userId, upload.path, { filename: upload.filename, source: 'tus', ...(startedAt !== undefined && { startedAt }) });
  }

  /** Deletes unfinished uploads past their resume window now (also done hourly); returns how many. */
  sweep(): Promise<number> {
    return deleteExpiredUploads(this.directory, this.expirationMs).catch(() => 0);
  }

  close(): void {
    clearInterval(this.sweepTimer);
  }
}
