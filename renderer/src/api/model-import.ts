/** `POST /v1/models/import` with `stream: true`: progress events, then the installed model (or an error frame). */
import { ApiError, type Http } from './http.js';
import type { ModelEntry } from './types.js';

interface ImportEvent {
  type?: string;
  received_bytes?: number;
  total_bytes?: number | null;
  model?: ModelEntry;
  error?: { message: string; type: string; code: string | null };
}

export async function importModel(
  http: Http, source: { path?: string; url?: string }, onProgress: (received: number, total: number | null) => void, signal?: AbortSignal,
): Promise<ModelEntry> {
  for await (const event of http.events('POST', '/v1/models/import', { body: { ...source, stream: true }, signal })) {
    const data = JSON.parse(event.data) as ImportEvent;
    if (data.error) throw new ApiError(500, data.error.message, data.error.type, data.error.code);
    if (data.type === 'import.progress') onProgress(data.received_bytes ?? 0, data.total_bytes ?? null);
    if (data.type === 'import.completed' && data.model) return data.model;
  }
  throw new ApiError(502, 'The import ended without a result.', 'server_error', null);
}
