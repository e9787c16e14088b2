import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from './sse.js';

function body(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? encoder.encode(c) : c);
      controller.close();
    },
  });
}

async function read(chunks: (string | Uint8Array)[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const e of readSse(body(chunks))) events.push(e);
  return events;
}

describe('server-sent events', () => {
  it('reads event names, joins data lines, skips comments, ids and empty blocks', async () => {
    expect(await read(['event: snapshot\ndata: {"a":1}\n\n', ': keep-alive\ndata: one\ndata:two\nid: 7\n\n', ': only a comment\n\n', 'retry: 10\n\n'])).toEqual([
      { event: 'snapshot', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('reassembles events split across chunks, with \\n or \\r\\n endings, and delivers an unterminated last one', async () => {
    expect(await read(['data: {"x":', '1}\n', '\ndata: [DO', 'NE]\r\n\r\n', 'data: tail'])).toEqual([
      { event: 'message', data: '{"x":1}' },
      { event: 'message', data: '[DONE]' },
      { event: 'message', data: 'tail' },
    ]);
  });

  it('treats a \\r\\n split between chunks as one line end, and a character split between chunks as one', async () => {
    const euro = new TextEncoder().encode('data: 5 €\n\n');
    const cut = euro.indexOf(0xe2) + 1; // inside the three bytes of "€"
    expect(await read(['data: a\r', '\ndata: b\r', '\n\r\n', euro.slice(0, cut), euro.slice(cut)])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: '5 €' },
    ]);
  });

  it('stops reading when the signal aborts', async () => {
    const controller = new AbortController();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: first\n\n'));
        // never closes: only the abort ends the loop
      },
    });
    const seen: string[] = [];
    for await (const e of readSse(stream, controller.signal)) {
      seen.push(e.data);
      controller.abort();
    }
    expect(seen).toEqual(['first']);
  });
});
