/**
 * Guard: every answer of every OpenAI-compatible endpoint, JSON and each kind of stream event, captured from a
 * real server (scripted runtime) and held to the OpenAPI description's schemas (test/support/openai-spec.ts):
 * chat completions (text, tool calls; role, content, tool-call, finish, usage and Jan's conversation chunks),
 * legacy completions (JSON and stream), embeddings (float and base64), models, Responses (text, function call,
 * incomplete, JSON format; every streamed event type), files, conversations, list envelopes and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as spec from '../support/openai-spec.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { parseSse } from '../support/sse.js';
import { readResponse, TEST_ADMIN_KEY, type TestResponse } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
const messages = [{ role: 'user', content: 'Hi' }];
const weatherTool = { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

function expectShape(schema: z.ZodType, value: unknown, what: string): void {
  expect(spec.shapeErrors(schema, value), `${what}: ${JSON.stringify(value).slice(0, 400)}`).toEqual([]);
}

describe('OpenAI-compatible answers match the OpenAPI description', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model']);
    server.runtime.reply = () => 'Fine.';
  });
  afterAll(() => server.close());

  const call = async (method: string, path: string, body?: unknown): Promise<TestResponse> => {
    const res = await server.request(path, { method, token, ...(body !== undefined && { body }) });
    expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    return res;
  };
  const events = async (path: string, body: Record<string, unknown>) =>
    parseSse((await call('POST', path, { ...body, stream: true })).text).filter((e) => e.data !== '[DONE]').map((e) => e.json);

  it('chat completions: text and tool-call replies', async () => {
    expectShape(spec.ChatCompletion, (await call('POST', '/v1/chat/completions', { model: 'test-model', messages })).json, 'chat');
    const tools = (await call('POST', '/v1/chat/completions', { model: 'test-model', messages, tools: [weatherTool], tool_choice: 'required' })).json;
    expect(tools.choices[0].finish_reason).toBe('tool_calls');
    expectShape(spec.ChatCompletion, tools, 'chat with tool calls');
    const cut = (await call('POST', '/v1/chat/completions', { model: 'test-model', messages, max_tokens: 2 })).json;
    expectShape(spec.ChatCompletion, cut, 'chat cut at max_tokens');
  });

  it('chat completion chunks: role, content, tool calls, finish, usage, and the conversation chunk', async () => {
    const conversation = (await call('POST', '/v1/conversations', {})).json.id;
    const chunks = [
      ...(await events('/v1/chat/completions', { model: 'test-model', messages, stream_options: { include_usage: true } })),
      ...(await events('/v1/chat/completions', { model: 'test-model', messages, tools: [weatherTool], tool_choice: 'required' })),
      ...(await events('/v1/chat/completions', { model: 'test-model', messages, conversation })),
    ];
    const kinds = new Set(chunks.map((c) => (c.usage ? 'usage' : c.conversation ? 'conversation' : Object.keys(c.choices[0]?.delta ?? {}).sort().join('+') || 'finish')));
    expect([...kinds].sort()).toEqual(['content', 'content+refusal+role', 'conversation', 'finish', 'tool_calls', 'usage']);
    for (const chunk of chunks) expectShape(spec.ChatCompletionChunk, chunk, 'chat chunk');
  });

  it('legacy completions: JSON and every chunk', async () => {
    expectShape(spec.Completion, (await call('POST', '/v1/completions', { model: 'test-model', prompt: ['a', 'b'], echo: true })).json, 'completion');
    const chunks = await events('/v1/completions', { model: 'test-model', prompt: 'x', echo: true, stream_options: { include_usage: true } });
    expect(chunks.at(-1).usage).toBeTruthy();
    for (const chunk of chunks) expectShape(spec.CompletionChunk, chunk, 'completion chunk');
  });

  it('embeddings, float and base64', async () => {
    expectShape(spec.CreateEmbeddingResponse('float'), (await call('POST', '/v1/embeddings', { model: 'test-model', input: ['a', 'bc'] })).json, 'embeddings');
    const base64 = (await call('POST', '/v1/embeddings', { model: 'test-model', input: 'a', encoding_format: 'base64' })).json;
    expectShape(spec.CreateEmbeddingResponse('base64'), base64, 'base64 embeddings');
  });

  it('models: list and retrieve', async () => {
    expectShape(spec.ListModelsResponse, (await call('GET', '/v1/models')).json, 'models');
    expectShape(spec.Model, (await call('GET', '/v1/models/test-model')).json, 'model');
  });

  it('Responses: text, function call, incomplete, JSON format; read back, input items, delete', async () => {
    const bodies = [
      { input: 'Hi', instructions: 'Be brief.', metadata: { k: 'v' }, user: 'u-1' },
      { input: 'Weather?', tools: [weatherTool, { type: 'function', name: 'time', parameters: null, strict: true }], tool_choice: { type: 'function', name: 'weather' } },
      { input: 'Hi', max_output_tokens: 2, temperature: 0.5, top_p: 0.9 },
      { input: 'Hi', text: { format: { type: 'json_schema', name: 'thing', schema: { type: 'object' } } } },
    ];
    for (const body of bodies) {
      const response = (await call('POST', '/v1/responses', { model: 'test-model', ...body })).json;
      expectShape(spec.Response, response, `response to ${JSON.stringify(body)}`);
      expectShape(spec.Response, (await call('GET', `/v1/responses/${response.id}`)).json, 'stored response');
    }
    const first = (await call('POST', '/v1/responses', { model: 'test-model', input: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] })).json;
    expectShape(spec.CursorList(spec.ConversationMessage.or(spec.OutputItem)), (await call('GET', `/v1/responses/${first.id}/input_items?limit=1`)).json, 'input items');
    expectShape(spec.ResponseDeleted, (await call('DELETE', `/v1/responses/${first.id}`)).json, 'deleted response');
  });

  it('Responses stream: every event type', async () => {
    const all = [
      ...(await events('/v1/responses', { model: 'test-model', input: 'Hi' })),
      ...(await events('/v1/responses', { model: 'test-model', input: 'Weather?', tools: [weatherTool], tool_choice: 'required' })),
      ...(await events('/v1/responses', { model: 'test-model', input: 'Hi', max_output_tokens: 2 })),
    ];
    expect([...new Set(all.map((e) => e.type))].sort()).toEqual([
      'response.completed', 'response.content_part.added', 'response.content_part.done', 'response.created',
      'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.in_progress', 'response.incomplete',
      'response.output_item.added', 'response.output_item.done', 'response.output_text.delta', 'response.output_text.done',
    ]);
    for (const event of all) expectShape(spec.ResponseStreamEvent, event, event.type);
  });

  it('files: object, list envelopes (full and empty), delete', async () => {
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob([Buffer.from('file body\n')]), 'f.txt');
    const created = await readResponse(await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
    expectShape(spec.OpenAIFile, created.json, 'file');
    expectShape(spec.OpenAIFile, (await call('GET', `/v1/files/${created.json.id}`)).json, 'retrieved file');
    expectShape(spec.CursorList(spec.OpenAIFile), (await call('GET', '/v1/files')).json, 'file list');
    const empty = (await call('GET', '/v1/files?purpose=batch')).json;
    expect(empty.data).toEqual([]);
    expectShape(spec.CursorList(spec.OpenAIFile), empty, 'empty file list');
    expectShape(spec.DeleteFileResponse, (await call('DELETE', `/v1/files/${created.json.id}`)).json, 'deleted file');
  });

  it('conversations and their items', async () => {
    const conversation = (await call('POST', '/v1/conversations', { metadata: { a: 'b' }, items: [{ type: 'message', role: 'user', content: 'Hi' }] })).json;
    expectShape(spec.Conversation, conversation, 'conversation');
    expectShape(spec.CursorList(spec.ConversationMessage), (await call('GET', `/v1/conversations/${conversation.id}/items`)).json, 'items');
    expectShape(spec.ConversationDeleted, (await call('DELETE', `/v1/conversations/${conversation.id}`)).json, 'deleted conversation');
  });

  it('errors: the envelope for 400, 401, 404 and 415, JSON and mid-request', async () => {
    const answers = await Promise.all([
      server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'test-model', messages: [] } }),
      server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'test-model', messages, logprobs: true, stream: true } }),
      server.request('/v1/models/nope', { token }),
      server.request('/v1/files/jan_nope', { token }),
      server.request('/v1/files', { token: 'sk_wrong' }),
      server.request('/v1/files', { method: 'POST', token, body: {} }),
      server.request('/v1/responses', { method: 'POST', token, body: { model: 'nope', input: 'x' } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 404, 404, 401, 400, 404]);
    for (const answer of answers) expectShape(spec.ErrorResponse, answer.json, `error ${answer.status}`);
  });
});
