/**
 * Errors of the media layer. They carry no HTTP status: the media service maps them to `AppError`s, so this
 * layer stays free of the API's error format.
 */
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
