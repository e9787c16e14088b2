/** A model as `/v1/models` shows it: OpenAI's model object plus what the GGUF header and the loader say. */
import type { CatalogEntry } from './model-catalog.js';

export type ModelStatus = 'loaded' | 'loading' | 'unloaded';

export function modelObject(entry: CatalogEntry, status: ModelStatus) {
  return {
    id: entry.id,
    object: 'model' as const,
    created: entry.modifiedSeconds,
    owned_by: 'local',
    status,
    size_bytes: entry.sizeBytes,
    architecture: entry.info?.architecture ?? null,
    parameters: entry.info?.parameters ?? null,
    quantization: entry.info?.quantization ?? null,
    context_length: entry.info?.contextLength ?? null,
    ...(entry.error !== null && { error: entry.error }),
  };
}
