/**
 * The one place the dashboard talks HTTP. Same origin as the API: the session cookie (set by the login link,
 * or by `POST /auth/sessions` for an API key typed on the login screen) rides along by itself. `apiKey` sends a
 * Bearer token instead, for callers that hold a key (tests, scripts); the dashboard itself never keeps one.
 */
import { readSse, type SseEvent } from './sse.js';

/** The API's error envelope, as an exception. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  /** '' for same origin (the product); tests pass a server URL. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** An API key to send as Bearer; undefined means "use the session cookie". */
  apiKey?: () => string | undefined;
}

export interface RequestInit2 {
  body?: unknown;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined>;
  /** Sent as they are, after (and over) the default ones. */
  headers?: Record<string, string>;
}

export interface Http {
  json<T>(method: string, path: string, init?: RequestInit2): Promise<T>;
  /** POSTs a JSON body and yields the server-sent events of the answer. */
  events(method: string, path: string, init?: RequestInit2): AsyncGenerator<SseEvent>;
  url(path: string, query?: RequestInit2['query']): string;
  headers(): Record<string, string>;
  baseUrl: string;
}

async function toError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error: { message: string; type: string; code: string | null } };
    return new ApiError(response.status, error.message, error.type, error.code);
  } catch {
    return new ApiError(response.status, text.slice(0, 200) || response.statusText, 'http_error', null);
  }
}

export function createHttp(options: HttpOptions = {}): Http {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  const url = (path: string, query?: RequestInit2['query']) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
  };
  const headers = (): Record<string, string> => {
    const key = options.apiKey?.();
    return key ? { authorization: `Bearer ${key}` } : {};
  };

  async function send(method: string, path: string, init: RequestInit2 = {}): Promise<Response> {
    const h: Record<string, string> = { accept: 'application/json', ...headers(), ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      h['content-type'] = 'application/json';
    }
    const response = await doFetch(url(path, init.query), { method, headers: h, body, signal: init.signal, credentials: 'same-origin' });
    if (!response.ok) throw await toError(response);
    return response;
  }

  return {
    baseUrl,
    url,
    headers,
    async json<T>(method: string, path: string, init?: RequestInit2): Promise<T> {
      const response = await send(method, path, init);
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
    async *events(method: string, path: string, init?: RequestInit2) {
      const response = await send(method, path, init);
      if (!response.body) throw new ApiError(502, 'The server sent no stream.', 'http_error', null);
      yield* readSse(response.body, init?.signal);
    },
  };
}
