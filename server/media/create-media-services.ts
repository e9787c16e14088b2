/** Wires the media and OCR services (called by create-services.ts). */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { BlobStore } from './blob-store.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { OcrRuntime } from '../ocr/create-ocr.js';
import type { Store } from '../store/store.js';
import { FilesService } from './files-service.js';
import { MediaDocumentsService } from './media-documents-service.js';
import { MediaService } from './media-service.js';
import { JanMediaService } from './jan-media-service.js';
import { MediaSigner } from './media-signer.js';
import { MediaUploadsService } from './media-uploads-service.js';
import { TextExtractionService } from './text-extraction-service.js';

/** Where uploaded files live: `JAN_MEDIA_DIR`, else `media` in the data folder. */
export function mediaDirOf(config: Pick<Config, 'mediaDir' | 'dataDir'>): string {
  return config.mediaDir || join(config.dataDir, 'media');
}

/** `logger`: where background work (the start-up sweep of orphaned blobs) reports failures. */
export function createMediaServices(store: Store, config: Config, metrics: Metrics, ocr: OcrRuntime, logger?: Logger) {
  const root = mediaDirOf(config);
  const media = new MediaService(store, new BlobStore(root), metrics, {
    maxUploadBytes: config.mediaMaxUploadBytes,
    remoteFetch: config.mediaRemoteFetch,
    ...(logger && { logger }),
  });
  const textExtraction = new TextExtractionService(store, media, ocr.engine, ocr.pdf, metrics, {
    maxPdfPages: config.ocrMaxPages, maxPagePixels: config.ocrMaxPagePixels, maxRequestPixels: config.ocrMaxRequestPixels,
  });
  return {
    media,
    janMedia: new JanMediaService(media, new MediaSigner(store.settings, config.mediaPresignTtlSeconds), store),
    mediaUploads: new MediaUploadsService(media, {
      directory: join(root, 'uploads'),
      maxBytes: config.mediaMaxResumableBytes,
      resumeHours: config.uploadResumeHours,
    }),
    textExtraction,
    mediaDocuments: new MediaDocumentsService(media, textExtraction),
    /** OpenAI's Files API over the same files. */
    files: new FilesService(store, media),
  };
}
