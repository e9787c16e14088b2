/**
 * The official `ollama` npm client against `/api/*` with the real runtime and the designed model (greedy:
 * "Hey world"): list, show, ps, chat and generate streamed and not, embeddings, keep_alive, NDJSON framing,
 * and the error shape `{"error":"message"}` as the client reads it.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_JSON_REPLY, DESIGNED_JSON_SCHEMA, DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { chatPromptTokens, DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: Ollama;
beforeAll(async () => {
  server = await startModelServer();
  client = new Ollama({ host: server.url, headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` } });
});
afterAll(() => server.close());

const NAME = `${DESIGNED}:latest`;
const messages = [{ role: 'user', content: 'Hi there' }];
const greedy = { temperature: 0 };
/** Durations are whole nanoseconds; the generation's parts fit in the total. */
function expectTimings(done: { total_duration: number; load_duration: number; prompt_eval_duration: number; eval_duration: number }) {
  for (const d of [done.total_duration, done.load_duration, done.prompt_eval_duration, done.eval_duration]) expect(Number.isInteger(d) && d >= 0).toBe(true);
  expect(done.prompt_eval_duration).toBeGreaterThan(0);
  expect(done.eval_duration).toBeGreaterThan(0);
  expect(done.total_duration).toBeGreaterThanOrEqual(done.prompt_eval_duration + done.eval_duration);
}

describe('models through the ollama client', () => {
  it('version, list and ps', async () => {
    expect(await client.version()).toEqual({ version: '0.12.0' });
    const list = await client.list();
    expect(list.models).toEqual([
      {
        name: NAME, model: NAME, size: expect.any(Number), digest: expect.stringMatching(/^[0-9a-f]{64}$/), modified_at: expect.any(String),
        details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: expect.stringMatching(/^\d+(\.\d+)?[KM]$/), quantization_level: 'F16' },
      },
    ]);
    const { modified_at: _, ...summary } = list.models[0]!;
    const ps = await client.ps();
    expect(ps.models).toEqual([{ ...summary, expires_at: expect.any(String), size_vram: 0, context_length: 1024 }]);
  });

  it('show: the GGUF header as model_info, the chat template, details', async () => {
    const show = await client.show({ model: DESIGNED });
    expect(show.template).toContain('<|im_start|>');
    expect(show.modelfile).toContain(`FROM ${DESIGNED}.gguf`);
    expect(show.details).toMatchObject({ format: 'gguf', family: 'llama' });
    expect(show.capabilities).toContain('completion');
    expect(show.model_info).toMatchObject({
      'general.architecture': 'llama', 'llama.context_length': 4096, 'llama.embedding_length': 64, 'tokenizer.ggml.tokens': null,
      'general.parameter_count': expect.any(Number),
    });
  });

  it("pull of an Ollama library name is a 400 that shows the hub's reference form", async () => {
    // Models come from the Hugging Face hub here (test/http/hub-*.test.ts pulls them); a library name is not one.
    await expect(client.pull({ model: 'llama3.2' })).rejects.toMatchObject({ status_code: 400, error: expect.stringContaining('hf.co/{owner}/{repo}:{quantization}') });
  });
});

describe('chat and generate through the ollama client', () => {
  it('chat without streaming: "Hey world" with exact counts', async () => {
    const reply = await client.chat({ model: NAME, messages, options: greedy });
    expect(reply).toMatchObject({ model: NAME, message: { role: 'assistant', content: DESIGNED_REPLY }, done: true, done_reason: 'stop' });
    expect(reply.prompt_eval_count).toBe(chatPromptTokens('Hi there'));
    expect(reply.eval_count).toBe(10); // 9 characters and the end-of-sequence token
    expectTimings(reply);
  });

  it('chat streamed: the pieces make "Hey world", the last part is done with the counts', async () => {
    const parts = [];
    for await (const part of await client.chat({ model: DESIGNED, messages, options: greedy, stream: true })) parts.push(part);
    expect(parts.map((p) => p.message.content).join('')).toBe(DESIGNED_REPLY);
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    const last = parts.at(-1)!;
    expect(last).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: chatPromptTokens('Hi there'), eval_count: 10 });
    expectTimings(last);
  });

  it('format as a JSON schema goes through the grammar; num_predict limits the length', async () => {
    const json = await client.chat({ model: DESIGNED, messages, options: greedy, format: DESIGNED_JSON_SCHEMA });
    expect(JSON.parse(json.message.content)).toEqual(JSON.parse(DESIGNED_JSON_REPLY));
    const short = await client.chat({ model: DESIGNED, messages, options: { ...greedy, num_predict: 3 } });
    expect(short).toMatchObject({ message: { content: 'Hey' }, done_reason: 'length', eval_count: 3 });
  });

  it('takes tools and a tool-call history in Ollama\'s shapes', async () => {
    const reply = await client.chat({
      model: DESIGNED, options: greedy,
      tools: [{ type: 'function', function: { name: 'greet', description: 'Greets', parameters: { type: 'object', properties: { name: { type: 'string' } } } } }],
      messages: [
        ...messages,
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'greet', arguments: { name: 'you' } } }] },
        { role: 'tool', tool_name: 'greet', content: 'Hello, you' },
      ],
    });
    expect(reply).toMatchObject({ done: true, message: { role: 'assistant', content: expect.any(String) } });
    expect(reply.prompt_eval_count).toBeGreaterThan(chatPromptTokens('Hi there'));
  });

  it('generate: templated, raw, and with a template of its own', async () => {
    const templated = await client.generate({ model: DESIGNED, prompt: 'Hi there', options: greedy });
    expect(templated).toMatchObject({ response: DESIGNED_REPLY, done: true, done_reason: 'stop', prompt_eval_count: chatPromptTokens('Hi there'), eval_count: 10 });
    // "Hello" ends in `o`, which the designed model continues as "…o r l d".
    const raw = await client.generate({ model: DESIGNED, prompt: 'Hello', raw: true, options: greedy });
    expect(raw).toMatchObject({ response: 'rld', prompt_eval_count: expect.any(Number) });
    const own = await client.generate({ model: DESIGNED, prompt: 'Hello', system: 'Say', template: '{{ if .System }}{{ .System }} {{ end }}{{ .Prompt }}', options: greedy });
    expect(own.response).toBe('rld');
    const parts = [];
    for await (const part of await client.generate({ model: DESIGNED, prompt: 'Hello', raw: true, options: greedy, stream: true })) parts.push(part);
    expect(parts.map((p) => p.response).join('')).toBe('rld');
    expect(parts.at(-1)).toMatchObject({ done: true, eval_count: raw.eval_count });
  });

  it('embed and the legacy embeddings: unit vectors of the model\'s width', async () => {
    const embed = await client.embed({ model: DESIGNED, input: ['Hello world', 'Hi'] });
    expect(embed.embeddings.map((v) => v.length)).toEqual([64, 64]);
    expect(Math.hypot(...embed.embeddings[0]!)).toBeCloseTo(1, 5);
    expect(embed.prompt_eval_count).toBeGreaterThan(0);
    const legacy = await client.embeddings({ model: DESIGNED, prompt: 'Hello world' });
    expect(legacy.embedding).toHaveLength(64);
    expect(legacy.embedding[0]).toBeCloseTo(embed.embeddings[0]![0]!, 5);
  });
});

describe('the wire', () => {
  it('streams NDJSON: every line is one JSON object, the last says done with counts and done_reason', async () => {
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: DESIGNED, messages, options: greedy }),
    });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(0, -1).every((l) => l.done === false && typeof l.message.content === 'string')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: chatPromptTokens('Hi there'), eval_count: 10, message: { content: '' } });
  });

  it('errors: an unknown model is 404 `model \'x\' not found`, bad input a 400, as the client reads them', async () => {
    await expect(client.chat({ model: 'nope', messages })).rejects.toMatchObject({ status_code: 404, error: "model 'nope' not found" });
    await expect(client.generate({ model: 'nope', prompt: 'x', stream: true })).rejects.toMatchObject({ status_code: 404, error: "model 'nope' not found" });
    await expect(client.chat({ model: DESIGNED, messages: [{ role: 'user', content: 'x', images: ['aGk='] }] })).rejects.toMatchObject({
      status_code: 400, error: 'images are not supported: the models this server runs take text only.',
    });
    await expect(client.chat({ model: DESIGNED, messages, keep_alive: 'later' })).rejects.toMatchObject({ status_code: 400, error: expect.stringMatching(/^keep_alive: 'later'/) });
  });

  it('keep_alive sets the idle TTL; 0 unloads; the next request loads it again and says how long that took', async () => {
    await client.chat({ model: DESIGNED, messages, options: greedy, keep_alive: '30m' });
    const expires = Date.parse(String((await client.ps()).models[0]!.expires_at));
    expect((expires - Date.now()) / 60_000).toBeCloseTo(30, 0);
    expect(await client.generate({ model: DESIGNED, prompt: '', keep_alive: 0 })).toMatchObject({ done: true, done_reason: 'unload' });
    expect((await client.ps()).models).toEqual([]);
    const reloaded = await client.chat({ model: DESIGNED, messages, options: greedy });
    expect(reloaded.message.content).toBe(DESIGNED_REPLY);
    expect(reloaded.load_duration).toBeGreaterThan(1_000_000);
    expect((await client.ps()).models.map((m) => m.name)).toEqual([NAME]);
  });
});
