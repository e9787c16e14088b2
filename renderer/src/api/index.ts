/**
 * The dashboard's whole view of the server: every call goes through here. Pages receive an `Api` from
 * React context (see ApiContext), so component tests can hand them a fixture instead of a server.
 */
import { createHttp, type HttpOptions } from './http.js';
import { subscribeKpi, type KpiSubscription } from './kpi-stream.js';
import { importModel } from './model-import.js';
import type {
  ApiKeyCreated, ApiKeyList, Conversation, ConversationList, ExtractTextResult, Health, ItemInput, ItemList, KpiSnapshot, KpiWindow,
  LanStatus, MediaFile, MediaFileList, Me, MetricsHistory, ModelEntry, ModelList, SessionInfo, SlaReport,
} from './types.js';
import { uploadResumable } from './upload.js';

export { ApiError } from './http.js';
export type * from './types.js';

/** Which endpoints this server has, read from its OpenAPI document (`GET /v1/conversations/{id}` style keys). */
export interface Capabilities {
  has(method: string, path: string): boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatDelta {
  content: string;
  /** Set on the last chunk. */
  finishReason?: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

export function createApi(options: HttpOptions = {}) {
  const http = createHttp(options);
  return {
    http,
    health: () => http.json<Health>('GET', '/v1/health'),
    me: () => http.json<Me>('GET', '/auth/me'),
    /**
     * Logs this browser in with an API key: the server answers with an HttpOnly session cookie, so the key is
     * sent once, here, and kept nowhere. A wrong key is an ApiError with status 401.
     */
    login: (apiKey: string) => http.json<SessionInfo>('POST', '/auth/sessions', { headers: { authorization: `Bearer ${apiKey}` } }),
    /** Ends the dashboard session on the server and clears its cookie. */
    logout: () => http.json<void>('POST', '/dashboard/logout'),
    /** What the server offers to this caller: operations marked admin-only count only when `admin` is true. */
    async capabilities(admin: boolean): Promise<Capabilities> {
      const doc = await http.json<{ paths: Record<string, Record<string, { 'x-jan-access'?: string } | undefined>> }>('GET', '/v1/openapi.json');
      return {
        has: (method, path) => {
          const op = doc.paths[path]?.[method.toLowerCase()];
          return op !== undefined && (admin || op['x-jan-access'] !== 'admin');
        },
      };
    },
    keys: {
      list: () => http.json<ApiKeyList>('GET', '/auth/api-keys'),
      create: (name: string, expiresInDays?: number) =>
        http.json<ApiKeyCreated>('POST', '/auth/api-keys', { body: { name, expires_in_days: expiresInDays ?? null } }),
      revoke: (id: string) => http.json<void>('DELETE', `/auth/api-keys/${encodeURIComponent(id)}`),
    },
    kpi: {
      snapshot: (window: KpiWindow) => http.json<KpiSnapshot>('GET', '/v1/admin/metrics/snapshot', { query: { window } }),
      sla: (window: KpiWindow) => http.json<SlaReport>('GET', '/v1/admin/sla', { query: { window } }),
      history: (hours: number) => http.json<MetricsHistory>('GET', '/v1/admin/metrics/history', { query: { hours } }),
      /** One snapshot a second until the returned subscription is closed. */
      subscribe: (window: KpiWindow, onSnapshot: (s: KpiSnapshot) => void, onState: (live: boolean) => void): KpiSubscription =>
        subscribeKpi(http, window, onSnapshot, onState, options.apiKey?.() !== undefined),
    },
    conversations: {
      list: (after?: string) => http.json<ConversationList>('GET', '/v1/conversations', { query: { limit: 100, after, order: 'desc' } }),
      get: (id: string) => http.json<Conversation>('GET', `/v1/conversations/${encodeURIComponent(id)}`),
      create: (title: string | null, items: ItemInput[] = []) =>
        http.json<Conversation>('POST', '/v1/conversations', { body: { title, items } }),
      rename: (id: string, title: string) =>
        http.json<Conversation>('PATCH', `/v1/conversations/${encodeURIComponent(id)}`, { body: { title } }),
      remove: (id: string) => http.json<unknown>('DELETE', `/v1/conversations/${encodeURIComponent(id)}`),
      items: (id: string, after?: string) =>
        http.json<ItemList>('GET', `/v1/conversations/${encodeURIComponent(id)}/items`, { query: { limit: 100, after, order: 'asc' } }),
      addItems: (id: string, items: ItemInput[]) =>
        http.json<ItemList>('POST', `/v1/conversations/${encodeURIComponent(id)}/items`, { body: { items } }),
    },
    models: {
      list: () => http.json<ModelList>('GET', '/v1/models'),
      load: (id: string) => http.json<ModelEntry>('POST', `/v1/models/${encodeURIComponent(id)}/load`),
      unload: (id: string) => http.json<ModelEntry>('POST', `/v1/models/${encodeURIComponent(id)}/unload`),
      remove: (id: string) => http.json<unknown>('DELETE', `/v1/models/${encodeURIComponent(id)}`),
      /** Imports from a local path or an http(s) URL, reporting progress; resolves with the installed model. */
      import: (source: { path?: string; url?: string }, onProgress: (received: number, total: number | null) => void, signal?: AbortSignal) =>
        importModel(http, source, onProgress, signal),
    },
    media: {
      list: (after?: string) => http.json<MediaFileList>('GET', '/v1/media/files', { query: { limit: 100, after, order: 'desc' } }),
      remove: (id: string) => http.json<unknown>('DELETE', `/v1/media/files/${encodeURIComponent(id)}`),
      contentUrl: (id: string) => http.url(`/v1/media/files/${encodeURIComponent(id)}/content`),
      extractText: (id: string, languages?: string[]) =>
        http.json<ExtractTextResult>('POST', `/v1/media/files/${encodeURIComponent(id)}/extract-text`, { body: languages ? { languages } : {} }),
      get: (id: string) => http.json<MediaFile>('GET', `/v1/media/files/${encodeURIComponent(id)}`),
      /** Resumable (tus) upload; resolves with the new file's id. */
      upload: (file: File, onProgress: (sent: number, total: number) => void) => uploadResumable(http, file, onProgress),
    },
    lan: {
      get: () => http.json<LanStatus>('GET', '/v1/admin/lan'),
      set: (enabled: boolean) => http.json<LanStatus>('POST', '/v1/admin/lan', { body: { enabled } }),
    },
    chat: {
      /** Streams a chat completion; abort `signal` to stop generating (the server cancels on disconnect). */
      async *stream(model: string, messages: ChatMessage[], signal: AbortSignal): AsyncGenerator<ChatDelta> {
        const body = { model, messages, stream: true, stream_options: { include_usage: true } };
        for await (const event of http.events('POST', '/v1/chat/completions', { body, signal })) {
          if (event.data === '[DONE]') return;
          const chunk = JSON.parse(event.data) as {
            error?: { message: string };
            choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
            usage?: ChatDelta['usage'];
          };
          if (chunk.error) throw new Error(chunk.error.message);
          const choice = chunk.choices?.[0];
          yield { content: choice?.delta?.content ?? '', finishReason: choice?.finish_reason ?? null, usage: chunk.usage ?? null };
        }
      },
    },
  };
}

export type Api = ReturnType<typeof createApi>;
