/**
 * The outbound fetcher's one error type. `code` says what kind of failure it was (callers map it to their
 * own statuses); `reason` narrows `blocked` and `failed` down; the other fields name what was refused.
 */
export type FetchErrorCode = 'blocked' | 'failed' | 'too_large' | 'disabled' | 'timeout' | 'aborted';

export type FetchErrorReason =
  /** blocked: the URL is no http(s) URL / the host is (or resolves to) an address the policy refuses. */
  | 'protocol' | 'address'
  /** failed: not a URL / HTTP status / redirect limit / network error / unusable Range reply / body cut short. */
  | 'invalid_url' | 'status' | 'redirects' | 'network' | 'range' | 'truncated';

export interface FetchErrorDetails {
  reason?: FetchErrorReason;
  /** The URL of the hop that failed. */
  url?: string;
  /** That URL's host name, without IPv6 brackets. */
  host?: string;
  /** The refused address (a resolved one when the host is a name). */
  address?: string;
  /** The HTTP status that ended the fetch. */
  status?: number;
  cause?: unknown;
}

export class FetchError extends Error {
  override name = 'FetchError';
  readonly reason: FetchErrorReason | undefined;
  readonly url: string | undefined;
  readonly host: string | undefined;
  readonly address: string | undefined;
  readonly status: number | undefined;

  constructor(
    readonly code: FetchErrorCode,
    message: string,
    details: FetchErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = details.reason;
    this.url = details.url;
    this.host = details.host;
    this.address = details.address;
    this.status = details.status;
  }

  /** The underlying error's message (a socket error, say), else this one's. */
  get detail(): string {
    return this.cause instanceof Error ? this.cause.message : this.message;
  }
}
