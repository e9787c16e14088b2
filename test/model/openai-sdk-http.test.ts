/** The official `openai` npm SDK against /v1 with the designed model: what client apps will actually do. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_JSON_REPLY, DESIGNED_JSON_SCHEMA, DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { chatPromptTokens, DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: TEST_ADMIN_KEY, maxRetries: 0 });
});
afterAll(() => server.close());

const messages = [{ role: 'user' as const, content: 'Hi there' }];

describe('the openai SDK', () => {
  it('lists the models', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual([DESIGNED]);
  });

  it('chat: plain', async () => {
    const completion = await client.chat.completions.create({ model: DESIGNED, messages, temperature: 0 });
    expect(completion.choices[0]!.message.content).toBe(DESIGNED_REPLY);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: chatPromptTokens('Hi there'), completion_tokens: 10 });
  });

  it('chat: streamed with usage', async () => {
    const stream = await client.chat.completions.create({ model: DESIGNED, messages, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(DESIGNED_REPLY);
    expect(usage).toMatchObject({ completion_tokens: 10, total_tokens: chatPromptTokens('Hi there') + 10 });
  });

  it('chat: json_schema and a tool call', async () => {
    const json = await client.chat.completions.create({
      model: DESIGNED, messages, temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: DESIGNED_JSON_SCHEMA, strict: true } },
    });
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({ name: DESIGNED_REPLY });
    const tool = await client.chat.completions.create({
      model: DESIGNED, messages, temperature: 0,
      tools: [{ type: 'function', function: { name: 'greet', parameters: DESIGNED_JSON_SCHEMA } }],
      tool_choice: { type: 'function', function: { name: 'greet' } },
    });
    const call = tool.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({ name: 'greet', arguments: DESIGNED_JSON_REPLY });
    expect(tool.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('completions and embeddings (the SDK asks for base64 and decodes it)', async () => {
    const completion = await client.completions.create({ model: DESIGNED, prompt: 'Hello', temperature: 0, max_tokens: 20 });
    expect(completion.choices[0]!.text).toBe('rld');
    const embedding = await client.embeddings.create({ model: DESIGNED, input: ['Hello world', 'Hi'] });
    expect(embedding.data.map((d) => d.embedding.length)).toEqual([64, 64]);
    expect(Math.hypot(...embedding.data[0]!.embedding)).toBeCloseTo(1, 5);
  });

  it('responses: plain and streamed', async () => {
    const response = await client.responses.create({ model: DESIGNED, input: 'Hi there', temperature: 0 });
    expect(response.output_text).toBe(DESIGNED_REPLY);
    const stream = await client.responses.create({ model: DESIGNED, input: 'Hi there', temperature: 0, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe(DESIGNED_REPLY);
    expect(types.at(-1)).toBe('response.completed');
    expect((await client.responses.retrieve(response.id)).output_text).toBe(DESIGNED_REPLY);
  });

  it('an unknown model is a NotFoundError with code model_not_found', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});
