/** Maps the media and OCR layers' own errors to `AppError`s (the one place that decides their statuses). */
import { AppError, badRequest } from '../errors/app-error.js';
import { MediaBadRequestError, MediaEmptyError, MediaTooLargeError, MediaUnsupportedTypeError, RemoteFetchError } from '../media/media-errors.js';
import { SUPPORTED_MIME_TYPES } from '../media/sniff-type.js';
import { OcrBusyError, OcrEngineError, OcrInputError } from '../ocr/ocr-engine.js';
import { PdfInputError } from '../ocr/pdf-reader.js';

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
