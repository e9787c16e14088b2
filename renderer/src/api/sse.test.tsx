import { describe, expect, it } from 'vitest';
import { parseEventBlock, readSse } from './sse.js';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('server-sent events', () => {
  it('parses event names, joins data lines, skips comments', () => {
    expect(parseEventBlock('event: snapshot\ndata: {"a":1}')).toEqual({ event: 'snapshot', data: '{"a":1}' });
    expect(parseEventBlock(': keep-alive\ndata: one\ndata:two')).toEqual({ event: 'message', data: 'one\ntwo' });
    expect(parseEventBlock(': only a comment')).toBeUndefined();
  });

  it('reassembles events split across chunks, with \\n or \\r\\n endings', async () => {
    const events = [];
    for await (const e of readSse(body(['data: {"x":', '1}\n', '\ndata: [DO', 'NE]\r\n\r\n', 'data: tail']))) events.push(e);
    expect(events).toEqual([
      { event: 'message', data: '{"x":1}' },
      { event: 'message', data: '[DONE]' },
      { event: 'message', data: 'tail' },
    ]);
  });
});
