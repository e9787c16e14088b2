/**
 * The Ollama adapter's pure parts: keep_alive durations, the Go-template subset, Ollama's parameter sizes,
 * message mapping, and how the services' OpenAI chunks become Ollama's lines (tool calls included, which the
 * scripted runtime only makes under a forced tool choice that Ollama's API has no way to ask for).
 */
import { describe, expect, it } from 'vitest';
import type { SseProducer } from '../../server/inference/index.js';
import { renderTemplate } from '../../server/ollama/go-template.js';
import { idleTtlOf, parseKeepAlive } from '../../server/ollama/keep-alive.js';
import { chatShape, reply, type OllamaRequest } from '../../server/ollama/ollama-generation.js';
import { humanNumber } from '../../server/ollama/ollama-models.js';
import { chatMessages } from '../../server/ollama/ollama-requests.js';

describe('keep_alive', () => {
  it.each([
    [300, 300], ['5m', 300], ['1h30m', 5400], ['1.5h', 5400], ['300ms', 0.3], ['0', 0], [0, 0], ['600', 600],
    [-1, null], ['-1', null], ['-5m', null], ['2h45m10s', 9910],
  ])('%s → %s seconds', (value, seconds) => {
    expect(parseKeepAlive(value)).toBe(seconds);
  });

  it.each(['', 'soon', '5 m', '5mm', 'm5', '1d'])('refuses %j with a 400 naming keep_alive', (value) => {
    expect(() => parseKeepAlive(value)).toThrow(expect.objectContaining({ status: 400, param: 'keep_alive' }));
  });

  it('not sent (or null) means the configured idle TTL', () => {
    expect(idleTtlOf(undefined)).toBeUndefined();
    expect(idleTtlOf(null)).toBeUndefined();
  });
});

describe('Go templates', () => {
  const values = { System: 'S', Prompt: 'P' };

  it('renders fields, if/else/end, trim markers, and stops at .Response', () => {
    expect(renderTemplate('{{ .System }}|{{ .Prompt }}', values)).toBe('S|P');
    expect(renderTemplate('{{ if .System }}[{{ .System }}]{{ end }}{{ .Prompt }}', { System: '', Prompt: 'P' })).toBe('P');
    expect(renderTemplate('{{ if .System }}a{{ else }}b{{ end }}', { System: '', Prompt: '' })).toBe('b');
    expect(renderTemplate('x  \n {{- .Prompt -}} \n y', values)).toBe('xPy');
    expect(renderTemplate('<u>{{ .Prompt }}</u><a>{{ .Response }}</a>', values)).toBe('<u>P</u><a>');
    expect(renderTemplate('{{ if .Response }}no{{ end }}plain', values)).toBe('plain');
  });

  it('refuses what it does not render', () => {
    expect(() => renderTemplate('{{ range .Messages }}{{ .Content }}{{ end }}', values)).toThrow(/'\{\{ range \.Messages \}\}' is not supported/);
    expect(() => renderTemplate('{{ if .System }}open', values)).toThrow(/has no \{\{ end \}\}/);
    expect(() => renderTemplate('{{ end }}', values)).toThrow(/not supported/);
  });
});

it('parameter sizes as Ollama writes them', () => {
  expect([8e9, 1.54e9, 494_032_768, 137e6, 120_000, 1234, 999].map(humanNumber)).toEqual(['8B', '1.5B', '494.03M', '137M', '120K', '1K', '999']);
});

describe('messages', () => {
  it('gives tool calls ids and answers them by tool_name, else in order; arguments become JSON text', () => {
    const mapped = chatMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }, { function: { name: 'b', arguments: '{"y":2}' } }] },
      { role: 'tool', content: 'rb', tool_name: 'b' },
      { role: 'tool', content: 'ra' },
    ]);
    expect(mapped).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant', content: '',
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
          { id: 'call_1', type: 'function', function: { name: 'b', arguments: '{"y":2}' } },
        ],
      },
      { role: 'tool', content: 'rb', tool_call_id: 'call_1' },
      { role: 'tool', content: 'ra', tool_call_id: 'call_0' },
    ]);
  });
});

describe('OpenAI chunks into Ollama lines', () => {
  const request: OllamaRequest = { name: 'm:latest', id: 'm', startedAt: process.hrtime.bigint(), loadNs: 5 };
  const base = { id: 'x', object: 'chat.completion.chunk' };
  const chunks = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null },
    { ...base, choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }], usage: null },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: null }], usage: null },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null },
    { ...base, choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
  ];
  const producer = (sent: object[]): SseProducer => async (send) => sent.forEach((c) => send(c));

  it('streamed: a line per piece of text, one with the tool calls (arguments as objects), then done', async () => {
    const out = await reply(request, producer(chunks), chatShape, true, new AbortController().signal);
    const lines: object[] = [];
    await (out as { stream: (send: (l: object) => void) => Promise<void> }).stream((l) => lines.push(l));
    const at = expect.any(String);
    expect(lines).toEqual([
      { model: 'm:latest', created_at: at, message: { role: 'assistant', content: 'Hi' }, done: false },
      { model: 'm:latest', created_at: at, message: { role: 'assistant', content: '', tool_calls: [{ function: { index: 0, name: 'f', arguments: { a: 1 } } }] }, done: false },
      {
        model: 'm:latest', created_at: at, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', load_duration: 5,
        prompt_eval_count: 7, eval_count: 3, total_duration: expect.any(Number), prompt_eval_duration: expect.any(Number), eval_duration: expect.any(Number),
      },
    ]);
  });

  it('unstreamed: one object with the text and the tool calls', async () => {
    const out = (await reply(request, producer(chunks), chatShape, false, new AbortController().signal)) as { json: object };
    expect(out.json).toMatchObject({ message: { role: 'assistant', content: 'Hi', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] }, done: true });
  });

  it('a generation that ends without its usage (the client left) sends no done line', async () => {
    const out = (await reply(request, producer(chunks.slice(0, 2)), chatShape, true, new AbortController().signal)) as { stream: (s: (l: object) => void) => Promise<void> };
    const lines: object[] = [];
    await out.stream((l) => lines.push(l));
    expect(lines).toHaveLength(1);
  });
});
