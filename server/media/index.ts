/**
 * The media domain: uploads (multipart, resumable, data and remote URLs), stored files, presigned URLs,
 * text extraction (text layers and OCR) and Jan's media API.
 * Other folders import this domain only through this file.
 */
export { createMediaServices, mediaDirOf } from './create-media-services.js';
export { fileTooLarge } from './media-errors.js';
export { mediaFileFromRow } from './media-service.js';
export type { ByteRange, MediaContent, RangeChooser } from './media-service.js';
export type { MediaUploadsService } from './media-uploads-service.js';
export type { TextExtractionService } from './text-extraction-service.js';
