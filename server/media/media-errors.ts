/**
 * The media domain's errors and the one place that decides their HTTP statuses. Blob storage, sniffing and
 * remote ingest throw the plain classes below (they carry no status); `toAppError` / `mapMediaErrors` turn
 * them, and the OCR engine's errors, into `AppError`s at the service boundary.
 */
import { AppError, badRequest } from '../errors/app-error.js';
import { SUPPORTED_MIME_TYPES } from './sniff-type.js';
import { OcrBusyError, OcrEngineError, OcrInputError } from '../ocr/ocr-engine.js';
import { PdfInputError } from '../ocr/pdf-reader.js';

export class MediaTooLargeError extends Error {
  override name = 'MediaTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`The file is larger than ${limitBytes} bytes.`);
  }
}

export class MediaEmptyError extends Error {
  override name = 'MediaEmptyError';
  constructor() {
    super('The file is empty.');
  }
}

export class MediaUnsupportedTypeError extends Error {
  override name = 'MediaUnsupportedTypeError';
  /** `detected` is what the bytes look like (a MIME type), when we could tell. */
  constructor(readonly detected: string | undefined) {
    super(detected ? `Files of type '${detected}' are not supported.` : 'The file type is not recognised.');
  }
}

/** A multipart body we cannot read: not multipart, malformed, or without a `file` part. */
export class MediaBadRequestError extends Error {
  override name = 'MediaBadRequestError';
  constructor(message: string, readonly param: string | null = null, readonly code = 'invalid_value') {
    super(message);
  }
}

/** A remote URL we will not fetch, or whose server failed. */
export class RemoteFetchError extends Error {
  override name = 'RemoteFetchError';
  constructor(message: string, readonly code: 'remote_fetch_blocked' | 'remote_fetch_failed' | 'remote_fetch_disabled') {
    super(message);
  }
}

export const fileTooLarge = (limitBytes: number, param: string | null = 'file') =>
  new AppError(413, 'invalid_request_error', `The file is larger than the limit of ${limitBytes} bytes.`, { param, code: 'file_too_large' });

export const unsupportedType = (detected: string | undefined, param: string | null = 'file') =>
  new AppError(
    415,
    'invalid_request_error',
    `${detected ? `Files of type '${detected}' are` : 'This file type is'} not supported. Supported: ${SUPPORTED_MIME_TYPES.join(', ')}.`,
    { param, code: 'unsupported_media_type' },
  );

export const unprocessable = (message: string, code: string) => new AppError(422, 'invalid_request_error', message, { code });

/** Returns the AppError for a known media/OCR error, or the error unchanged. */
export function toAppError(error: unknown, param: string | null = 'file'): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof MediaTooLargeError) return fileTooLarge(error.limitBytes, param);
  if (error instanceof MediaEmptyError) return badRequest('The file is empty (0 bytes).', param, 'empty_file');
  if (error instanceof MediaUnsupportedTypeError) return unsupportedType(error.detected, param);
  if (error instanceof MediaBadRequestError) return badRequest(error.message, error.param, error.code);
  if (error instanceof RemoteFetchError) return badRequest(error.message, 'source.url', error.code);
  if (error instanceof OcrInputError) return unprocessable(error.message, 'invalid_image');
  if (error instanceof PdfInputError) return unprocessable(error.message, error.code);
  if (error instanceof OcrBusyError) {
    return new AppError(503, 'service_unavailable_error', 'Too many pages are waiting for OCR; try again shortly.', { code: 'ocr_busy', retryAfter: 5 });
  }
  if (error instanceof OcrEngineError) {
    return new AppError(503, 'service_unavailable_error', `Text extraction failed: ${error.message}`, { code: 'ocr_unavailable', retryAfter: 1 });
  }
  return error;
}

/** Runs `work`, rethrowing media/OCR errors as AppErrors. */
export async function mapMediaErrors<T>(work: () => Promise<T>, param: string | null = 'file'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toAppError(error, param);
  }
}
