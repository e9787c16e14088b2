/**
 * Resumable upload through the tus protocol (`/v1/media/uploads`) with tus-js-client, loaded only when a file
 * is uploaded. An interrupted upload of the same file resumes where it stopped (the client remembers it in
 * localStorage); the server names the new file in the last PATCH's `Media-File-Id` header.
 */
import { ApiError, type Http } from './http.js';

export interface UploadHandle {
  done: Promise<string>;
  abort(): void;
}

const CHUNK_BYTES = 8 * 1024 * 1024;

/** tus-js-client's error, with the API's own message when the server sent its error envelope. */
function envelopeError(error: Error): Error {
  const response = (error as Error & { originalResponse?: { getStatus(): number; getBody(): string } | null }).originalResponse;
  if (!response) return error;
  try {
    const { error: e } = JSON.parse(response.getBody()) as { error: { message: string; type: string; code: string | null } };
    return new ApiError(response.getStatus(), e.message, e.type, e.code);
  } catch {
    return error;
  }
}

export function uploadResumable(http: Http, file: File, onProgress: (sent: number, total: number) => void): UploadHandle {
  let abort: () => void = () => undefined;
  const done = import('tus-js-client').then(
    ({ Upload }) =>
      new Promise<string>((resolve, reject) => {
        let fileId: string | undefined;
        const upload = new Upload(file, {
          endpoint: http.url('/v1/media/uploads'),
          chunkSize: CHUNK_BYTES,
          retryDelays: [0, 1000, 3000, 5000],
          metadata: { filename: file.name, filetype: file.type },
          headers: http.headers(),
          removeFingerprintOnSuccess: true,
          onProgress: (sent, total) => onProgress(sent, total),
          onAfterResponse: (_req, res) => {
            fileId = res.getHeader('Media-File-Id') ?? fileId;
          },
          onSuccess: () => (fileId ? resolve(fileId) : reject(new ApiError(502, 'The upload finished but the server named no file.', 'server_error', null))),
          onError: (error) => reject(envelopeError(error)),
        });
        abort = () => void upload.abort(true);
        void upload.findPreviousUploads().then((previous) => {
          if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        });
      }),
  );
  return { done, abort: () => abort() };
}
