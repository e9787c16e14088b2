/**
 * Server-sent events over a fetch body: EventSource cannot POST (chat completions) nor send an Authorization
 * header (API-key logins), so streams that need either are read with this. The parsing itself (fields split
 * across chunks, multi-line data, comments, CR/LF/CRLF) is eventsource-parser's.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  /** `message` when the server named none, as EventSource does. */
  event: string;
  data: string;
}

/**
 * Yields the events of `body` until it ends or `signal` aborts. A last event the server did not end with a
 * blank line is still delivered (EventSource would drop it; our streams always end cleanly anyway).
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (e: EventSourceMessage) => void ready.push({ event: e.event ?? 'message', data: e.data }) });
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
    }
    parser.feed(`${decoder.decode()}\n\n`);
    yield* ready.splice(0);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}
