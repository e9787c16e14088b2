/**
 * Resumable uploads (tus) for large files: wraps the tus server of server/media and makes each finished
 * upload a media file owned by its uploader. The final PATCH answers with `Media-File-Id` (and
 * `Media-Deduped`) so the client learns the file's id.
 *
 * Lifecycle: `close()` stops the hourly sweep of expired uploads.
 */
import type { IncomingMessage } from 'node:http';
import { TusUploads, type TusResult } from './tus-uploads.js';
import type { MediaService } from './media-service.js';

export const TUS_PATH = '/v1/media/uploads';

export interface MediaUploadsOptions {
  directory: string;
  maxBytes: number;
  resumeHours: number;
  /** Per request; a cut-off PATCH keeps what it wrote and the client resumes. */
  requestTimeoutMs: number;
  corsOrigins: readonly string[];
}

export class MediaUploadsService {
  private readonly tus: TusUploads;

  constructor(media: MediaService, options: MediaUploadsOptions) {
    const origins = new Set(options.corsOrigins);
    this.tus = new TusUploads({
      directory: options.directory,
      path: TUS_PATH,
      maxBytes: options.maxBytes,
      expirationMs: options.resumeHours * 3600 * 1000,
      requestTimeoutMs: options.requestTimeoutMs,
      allowOrigin: (origin) => origins.has(origin),
      exposedHeaders: ['Media-File-Id', 'Media-Deduped'],
      onFinished: async (userId, upload) => {
        const startedAt = upload.createdAt?.getTime();
        const { file, deduped } = await media.ingestPath(userId, upload.path, {
          filename: upload.filename,
          source: 'tus',
          ...(startedAt !== undefined && { startedAt }),
        });
        return { 'Media-File-Id': file.id, 'Media-Deduped': String(deduped) };
      },
    });
    void this.tus.sweep();
  }

  handle(req: IncomingMessage, userId: string): Promise<TusResult> {
    return this.tus.handle(req, userId);
  }

  /** Deletes expired unfinished uploads now (also done hourly). */
  sweep(): Promise<number> {
    return this.tus.sweep();
  }

  close(): void {
    this.tus.close();
  }
}
