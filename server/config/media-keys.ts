/**
 * Options of uploads, media files and OCR: the "Media and OCR" group of the configuration table. Kept apart
 * from schema.ts, which spreads them in at their place in the table's order.
 */
import { z } from 'zod';

import { integer, key, onOff } from './config-key.js';

export const mediaKeys = {
  mediaMaxUploadBytes: key({
    env: 'JAN_MEDIA_MAX_UPLOAD_BYTES', flag: '--media-max-upload-bytes', default: String(25 * 1024 * 1024),
    defaultDoc: '`26214400` (25 MiB)',
    description: 'Largest file taken in one request (multipart upload, data URL, remote URL, presigned PUT); larger ones get 413. Bigger files use the resumable (tus) upload.',
    parse: integer(1024, 4 * 1024 ** 3),
  }),
  mediaMaxResumableBytes: key({
    env: 'JAN_MEDIA_MAX_RESUMABLE_BYTES', flag: '--media-max-resumable-bytes', default: String(2 * 1024 ** 3),
    defaultDoc: '`2147483648` (2 GiB)', description: 'Largest resumable (tus) upload; a larger `Upload-Length` gets 413.',
    parse: integer(1024, 64 * 1024 ** 3),
  }),
  uploadResumeHours: key({
    env: 'JAN_UPLOAD_RESUME_HOURS', flag: '--upload-resume-hours', default: '24', defaultDoc: '`24`',
    description: 'How long an unfinished resumable upload can be resumed before it is deleted.',
    parse: integer(1, 24 * 30),
  }),
  mediaRemoteFetch: key({
    env: 'JAN_MEDIA_REMOTE_FETCH', flag: '--media-remote-fetch', default: 'public', defaultDoc: '`public`',
    description: 'Remote-URL ingest (`POST /media/v1/media` with `remote_url`): `public` fetches only from public addresses, `any` also from loopback and private networks, `off` refuses.',
    parse: z.enum(['public', 'any', 'off']),
  }),
  mediaPresignTtlSeconds: key({
    env: 'JAN_MEDIA_PRESIGN_TTL_SECONDS', flag: '--media-presign-ttl-seconds', default: '3600', defaultDoc: '`3600`',
    description: 'Lifetime of presigned download and upload URLs.',
    parse: integer(10, 7 * 24 * 3600),
  }),
  ocrWorkers: key({
    env: 'JAN_OCR_WORKERS', flag: '--ocr-workers', default: '2', defaultDoc: '`2`',
    description: 'tesseract.js workers (one page each at a time), started on first use and kept.',
    parse: integer(1, 32),
  }),
  ocrSplitPages: key({
    env: 'JAN_OCR_SPLIT_PAGES', flag: '--ocr-split-pages', default: 'on', defaultDoc: '`on`',
    description: 'A large PNG page (an image, or a scanned PDF page) that arrives while OCR workers and CPU cores are idle is cut into bands at blank rows and read on those workers at once; `off` reads every page on one worker. Pages that wait for a worker, pages on a machine kept busy by other work, and other formats are always read whole.',
    parse: onOff,
  }),
  ocrMaxPages: key({
    env: 'JAN_OCR_MAX_PAGES', flag: '--ocr-max-pages', default: '50', defaultDoc: '`50`',
    description: 'Most pages of one PDF that text extraction reads; longer PDFs get 422.',
    parse: integer(1, 10_000),
  }),
  ocrQueueLimit: key({
    env: 'JAN_OCR_QUEUE_LIMIT', flag: '--ocr-queue-limit', default: '200', defaultDoc: '`200`',
    description: 'Pages waiting for an OCR worker before new extractions get 503 with `Retry-After`.',
    parse: integer(1, 100_000),
  }),
  ocrMaxPagePixels: key({
    env: 'JAN_OCR_MAX_PAGE_PIXELS', flag: '--ocr-max-page-pixels', default: '10000000', defaultDoc: '`10000000` (A4 at 300 dpi)',
    description: "Most pixels (width × height) one page is OCR'd with: larger PDF pages are rendered at a lower resolution (a page that fits only below 72 dpi gets 422), larger images are scaled down.",
    parse: integer(100_000, 200_000_000),
  }),
  ocrMaxRequestPixels: key({
    env: 'JAN_OCR_MAX_REQUEST_PIXELS', flag: '--ocr-max-request-pixels', default: '40000000', defaultDoc: '`40000000`',
    description: "Most pixels the OCR'd pages of one file add up to (about 18 A4 pages at 150 dpi); more gets 422 before any OCR.",
    parse: integer(100_000, 10_000_000_000),
  }),
} as const;
