/**
 * NDJSON streams, as Ollama's API sends them (written by stream-response.ts): `Content-Type:
 * application/x-ndjson`, one JSON object per line. An error after the headers are out is sent as one last
 * `{"error":"message"}` line (Ollama's shape), and the stream ends.
 */
import type { NdjsonProducer } from '../ollama/index.js';
import { streamResponse, type StreamOptions } from './stream-response.js';
import type { AppContext } from './types.js';

export function streamLines(ctx: AppContext, produce: NdjsonProducer, options: StreamOptions = {}): void {
  streamResponse(ctx, produce, {
    headers: { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
    frame: (line) => `${JSON.stringify(line)}\n`,
    errorFrame: (error) => ({ data: { error: error.message } }),
  }, options);
}
