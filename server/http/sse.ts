/**
 * Server-sent event streams (written by stream-response.ts). Framing: `data: <json>\n\n`, or
 * `event: <name>\ndata: <json>\n\n` for named events (the Responses API); chat and completions end with
 * `data: [DONE]\n\n`. An error after the headers are out is sent as one `data: {"error":…}` frame (the OpenAI
 * envelope, or the route's own `errorFrame`), and the stream ends.
 */
import type { AppError } from '../errors/app-error.js';
import type { SseProducer } from '../inference/index.js';
import { errorEnvelope } from './middleware/error-handler.js';
import { streamResponse, type StreamOptions } from './stream-response.js';
import type { AppContext } from './types.js';

export interface SseOptions extends StreamOptions {
  /** The error frame in another API's shape (Anthropic's `event: error`); default OpenAI's `data: {"error":…}`. */
  errorFrame?: (error: AppError) => { data: unknown; event?: string };
}

function frame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

export function streamEvents(ctx: AppContext, produce: SseProducer, options: SseOptions = {}): void {
  streamResponse(ctx, produce, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
    frame,
    errorFrame: options.errorFrame ?? ((error) => ({ data: errorEnvelope(error) })),
  }, options);
}
