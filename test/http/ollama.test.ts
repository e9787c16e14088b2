/**
 * Ollama's API (`/api/*`) with the scripted runtime: exact shapes of answers and NDJSON lines, how requests map
 * onto the runtime (options, format, templates, raw prompts, tool messages), keep_alive, and the error shape
 * `{"error":"message"}`. Credentials, limits and metrics are in ollama-access.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPLY, SCRIPTED_MODEL_INFO } from '../support/scripted-runtime.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(['test-model', 'other']);
});
afterAll(() => server.close());

const post = (path: string, body: unknown) => server.request(path, { method: 'POST', token: TEST_ADMIN_KEY, body });
const lastGeneration = () => server.runtime.generations.at(-1)!;
const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

/** The scripted prompt of one user message: `user: <text>\nassistant: `, one token per character. */
const promptTokens = (text: string) => `user: ${text}\nassistant: `.length;
const timings = {
  total_duration: expect.any(Number), load_duration: expect.any(Number), prompt_eval_duration: expect.any(Number), eval_duration: expect.any(Number),
};
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

describe('models', () => {
  it('GET /api/tags lists every installed model as name:latest with GGUF details', async () => {
    const res = await server.request('/api/tags', { token: TEST_ADMIN_KEY });
    const details = { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '1K', quantization_level: SCRIPTED_MODEL_INFO.quantization };
    const entry = (name: string) => ({ name, model: name, size: 'GGUF-placeholder'.length, digest: expect.stringMatching(/^[0-9a-f]{64}$/), details, modified_at: ISO });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ models: [entry('other:latest'), entry('test-model:latest')] });
    const again = await server.request('/api/tags', { token: TEST_ADMIN_KEY });
    expect(again.json.models[1].digest).toBe(res.json.models[1].digest);
  });

  it('POST /api/show answers details and what the header has (nothing for a file that is no GGUF)', async () => {
    const res = await post('/api/show', { model: 'test-model' });
    expect(res.json).toEqual({
      license: '', modelfile: expect.stringContaining('FROM test-model.gguf'), parameters: '', template: '', system: '',
      details: expect.objectContaining({ format: 'gguf', family: 'llama' }), model_info: { 'general.parameter_count': 1234 },
      capabilities: ['completion'], modified_at: ISO,
    });
    expect((await post('/api/show', { name: 'test-model:latest' })).status).toBe(200);
  });

  it('GET /api/ps lists loaded models with expires_at from the idle TTL, and keep_alive changes it', async () => {
    await post('/api/generate', { model: 'test-model', prompt: '' });
    const ps = await server.request('/api/ps', { token: TEST_ADMIN_KEY });
    const entry = ps.json.models.find((m: { name: string }) => m.name === 'test-model:latest');
    expect(entry).toEqual({
      name: 'test-model:latest', model: 'test-model:latest', size: 16, digest: expect.any(String), details: expect.any(Object),
      expires_at: ISO, size_vram: 0, context_length: server.config.contextSize,
    });
    const inSeconds = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;
    expect(inSeconds(entry.expires_at)).toBeCloseTo(server.config.modelIdleTtlSeconds, -1);
    await post('/api/generate', { model: 'test-model', prompt: '', keep_alive: '2m' });
    const twoMinutes = (await server.request('/api/ps', { token: TEST_ADMIN_KEY })).json.models[0];
    expect(inSeconds(twoMinutes.expires_at)).toBeCloseTo(120, -1);
    await post('/api/generate', { model: 'test-model', prompt: '', keep_alive: -1 });
    expect(new Date((await server.request('/api/ps', { token: TEST_ADMIN_KEY })).json.models[0].expires_at).getUTCFullYear()).toBeGreaterThan(2300);
  });

  it('an empty prompt loads the model (done_reason load); with keep_alive 0 it unloads it', async () => {
    const unloaded = await post('/api/generate', { model: 'test-model', prompt: '', keep_alive: 0 });
    expect(unloaded.json).toEqual({ model: 'test-model', created_at: ISO, response: '', done: true, done_reason: 'unload' });
    expect((await server.request('/api/ps', { token: TEST_ADMIN_KEY })).json).toEqual({ models: [] });
    const loaded = await post('/api/chat', { model: 'test-model:latest', messages: [] });
    expect(loaded.json).toEqual({ model: 'test-model:latest', created_at: ISO, message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' });
    expect((await server.request('/api/ps', { token: TEST_ADMIN_KEY })).json.models.map((m: { name: string }) => m.name)).toEqual(['test-model:latest']);
  });

  it('keep_alive 0 on a chat unloads the model once the answer is done', async () => {
    const res = await post('/api/chat', { model: 'other', messages: [{ role: 'user', content: 'Hi' }], stream: false, keep_alive: '0s' });
    expect(res.status).toBe(200);
    for (let i = 0; i < 50 && server.services.models.loaded().some((m) => m.id === 'other'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.services.models.loaded().map((m) => m.id)).not.toContain('other');
  });
});

describe('POST /api/chat', () => {
  const chat = (body: Record<string, unknown>) => post('/api/chat', { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], ...body });

  it('answers one object with stream: false: the message, done_reason and the counts and timings', async () => {
    const res = await chat({ stream: false });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toEqual({
      model: 'test-model', created_at: ISO, message: { role: 'assistant', content: DEFAULT_REPLY }, done: true, done_reason: 'stop',
      prompt_eval_count: promptTokens('Hi'), eval_count: DEFAULT_REPLY.length + 1, ...timings,
    });
    expect(res.json.total_duration).toBeGreaterThanOrEqual(res.json.prompt_eval_duration + res.json.eval_duration);
  });

  it('streams NDJSON by default: one object per line, a piece of text each, then done with the counts', async () => {
    const res = await chat({});
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.text.endsWith('}\n')).toBe(true);
    const all = lines(res.text);
    const pieces = all.slice(0, -1);
    expect(pieces.every((l) => l.done === false && l.model === 'test-model' && l.message.role === 'assistant')).toBe(true);
    expect(pieces.map((l) => l.message.content).join('')).toBe(DEFAULT_REPLY);
    expect(all.at(-1)).toEqual({
      model: 'test-model', created_at: ISO, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop',
      prompt_eval_count: promptTokens('Hi'), eval_count: DEFAULT_REPLY.length + 1, ...timings,
    });
  });

  it('maps options onto sampling: num_predict (done_reason length), stop, temperature, top_k, top_p, seed, penalties', async () => {
    const res = await chat({
      stream: false,
      options: { num_predict: 5, stop: ['xyz'], temperature: 0.2, top_k: 7, top_p: 0.5, seed: 42, repeat_penalty: 1.1, num_ctx: 8192, mirostat: 0 },
    });
    expect(res.json).toMatchObject({ message: { content: 'Hello' }, done_reason: 'length', eval_count: 5 });
    expect(lastGeneration().options).toMatchObject({ maxTokens: 5, stop: ['xyz'], temperature: 0.2, topK: 7, topP: 0.5, seed: 42, repeatPenalty: 1.1 });
    await chat({ stream: false, options: { num_predict: -1 } });
    expect(lastGeneration().options.maxTokens).toBeGreaterThan(1e9);
    await chat({ stream: false });
    expect(lastGeneration().options.temperature).toBe(0.8);
  });

  it('format "json" and a JSON schema take the response_format grammar path', async () => {
    const json = await chat({ stream: false, format: 'json' });
    expect(json.json.message.content).toBe(server.runtime.jsonReply);
    expect(lastGeneration().options.format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    await chat({ stream: false, format: schema });
    expect(lastGeneration().options.format).toMatchObject({ type: 'json_schema', schema: expect.objectContaining({ type: 'object' }) });
    await chat({ stream: false, format: '' });
    expect(lastGeneration().options.format).toBeUndefined();
  });

  it('passes tools, and answers earlier tool calls with tool messages (matched by tool_name, else in order)', async () => {
    const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'time', arguments: {} } }, { function: { name: 'weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', tool_name: 'weather', content: 'sunny' },
      { role: 'tool', content: 'noon' },
    ];
    const res = await post('/api/chat', { model: 'test-model', messages, tools, stream: false });
    expect(res.status).toBe(200);
    expect(lastGeneration().prompt.chat).toEqual({
      turns: [
        { role: 'system', text: 'Be brief.' },
        { role: 'user', text: 'Weather?' },
        { role: 'assistant', text: '', toolCalls: [{ name: 'time', arguments: '{}', result: 'noon' }, { name: 'weather', arguments: '{"city":"Paris"}', result: 'sunny' }] },
      ],
      tools: [{ name: 'weather', parameters: expect.objectContaining({ type: 'object' }) }],
      toolMode: 'auto',
    });
  });

  it('a tool message with no call left to answer is a 400', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', content: 'y' }] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'messages[1]: a tool message answers an earlier assistant tool call, and none is left to answer.' });
  });

  it('an error after the stream started is its last line, {"error": …}', async () => {
    server.runtime.reply = () => {
      throw new Error('boom');
    };
    try {
      const res = await chat({});
      expect(res.status).toBe(200);
      expect(lines(res.text)).toEqual([{ error: 'The server had an error while generating the response.' }]);
    } finally {
      server.runtime.reply = () => DEFAULT_REPLY;
    }
  });
});

describe('POST /api/generate', () => {
  const generate = (body: Record<string, unknown>) => post('/api/generate', { model: 'test-model', stream: false, ...body });

  it('puts prompt and system through the chat template and answers `response`', async () => {
    const res = await generate({ prompt: 'Hi', system: 'Be brief.' });
    expect(res.json).toEqual({
      model: 'test-model', created_at: ISO, response: DEFAULT_REPLY, done: true, done_reason: 'stop',
      prompt_eval_count: 'system: Be brief.\n'.length + promptTokens('Hi'), eval_count: DEFAULT_REPLY.length + 1, ...timings,
    });
    expect(lastGeneration().prompt.chat?.turns).toEqual([{ role: 'system', text: 'Be brief.' }, { role: 'user', text: 'Hi' }]);
  });

  it('raw: true sends the prompt as it is, with no template and no default length limit', async () => {
    const res = await generate({ prompt: 'Once upon', raw: true, system: 'ignored' });
    expect(res.json).toMatchObject({ response: DEFAULT_REPLY, prompt_eval_count: 'Once upon'.length });
    expect(lastGeneration().prompt).toEqual({ tokenCount: 9, text: 'Once upon', chat: undefined });
  });

  it('renders a request template (.System, .Prompt, if/else/end, trims) and stops at .Response', async () => {
    const template = '{{ if .System }}<s>{{ .System }}</s>{{ else }}<none>{{ end }}\n  {{- .Prompt -}}  \n[{{ .Response }}] after';
    await generate({ prompt: 'Hi', system: 'Sys', template });
    expect(lastGeneration().prompt.text).toBe('<s>Sys</s>Hi[');
    await generate({ prompt: 'Hi', template });
    expect(lastGeneration().prompt.text).toBe('<none>Hi[');
  });

  it('streams `response` pieces as NDJSON', async () => {
    const res = await generate({ prompt: 'Hi', stream: true });
    const all = lines(res.text);
    expect(all.slice(0, -1).map((l) => l.response).join('')).toBe(DEFAULT_REPLY);
    expect(all.at(-1)).toMatchObject({ response: '', done: true, done_reason: 'stop', eval_count: DEFAULT_REPLY.length + 1 });
  });

  it.each([
    [{ prompt: 'x', images: ['aGk='] }, 'images are not supported: the models this server runs take text only.'],
    [{ prompt: 'x', suffix: 'y' }, 'suffix (fill-in-the-middle) is not supported.'],
    [{ prompt: 'x', context: [1, 2] }, 'context (the token ids of an earlier answer) is not supported: use /api/chat for conversations.'],
    [{ prompt: 'x', think: true }, "'test-model' does not support thinking."],
    [{ prompt: 'x', raw: true, format: 'json' }, "format needs the model's chat template: send it without raw or template."],
    [{ prompt: 'x', template: '{{ range .Messages }}{{ end }}' }, "template: '{{ range .Messages }}' is not supported; this server renders .System, .Prompt, .Response and if/else/end on them."],
    [{ prompt: 'x', keep_alive: 'soon' }, `keep_alive: 'soon' is not a duration (a number of seconds, or e.g. "5m", "1h30m", "-1").`],
  ])('400s what it cannot do, in Ollama\'s error shape %#', async (body, error) => {
    const res = await generate(body);
    expect({ status: res.status, body: res.json }).toEqual({ status: 400, body: { error } });
  });
});

describe('embeddings', () => {
  it('POST /api/embed embeds a string or strings; dimensions keeps the first n values, normalized', async () => {
    const norm = Math.hypot(3, 1);
    const one = await post('/api/embed', { model: 'test-model', input: 'abc' });
    expect(one.json).toEqual({
      model: 'test-model', embeddings: [[3 / norm, 1 / norm, 0, 0]], total_duration: expect.any(Number), load_duration: expect.any(Number), prompt_eval_count: 3,
    });
    const two = await post('/api/embed', { model: 'test-model', input: ['a', 'bb'], dimensions: 2 });
    expect(two.json.embeddings).toEqual([[1 / Math.SQRT2, 1 / Math.SQRT2], [2 / Math.hypot(2, 1), 1 / Math.hypot(2, 1)]]);
    expect((await post('/api/embed', { model: 'test-model', input: [] })).json.embeddings).toEqual([]);
    expect(await post('/api/embed', { model: 'test-model', input: 'a', dimensions: 9 })).toMatchObject({
      status: 400, json: { error: "dimensions: this model's embeddings have 4 dimensions; ask for at most that many." },
    });
  });

  it('POST /api/embeddings (legacy) answers {embedding}', async () => {
    const res = await post('/api/embeddings', { model: 'test-model', prompt: 'abc' });
    expect(res.json).toEqual({ embedding: [3 / Math.hypot(3, 1), 1 / Math.hypot(3, 1), 0, 0] });
    expect((await post('/api/embeddings', { model: 'test-model', prompt: '' })).json).toEqual({ embedding: [] });
  });
});
