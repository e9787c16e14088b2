/**
 * The Vercel AI SDK and LangChain against /v1 with the designed model, beyond the README's plain and streamed
 * replies: usage, tool calls and tool results over several steps, structured output by grammar, and the
 * Responses API as `@ai-sdk/openai` and LangChain's `useResponsesApi` use it.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { chatPromptTokens, DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const Person = z.object({ name: z.string() });
const baseURL = () => `${server.url}/v1`;

describe('the Vercel AI SDK', () => {
  // supportsStructuredOutputs: generateObject sends its schema as response_format json_schema (a grammar here)
  // rather than a bare json_object, which constrains the syntax only.
  const model = () =>
    createOpenAICompatible({ name: 'jan', baseURL: baseURL(), apiKey: TEST_ADMIN_KEY, includeUsage: true, supportsStructuredOutputs: true })(DESIGNED);

  it('generateText and streamText report usage and the finish reason', async () => {
    const plain = await generateText({ model: model(), prompt: 'Hi there', temperature: 0 });
    expect([plain.text, plain.finishReason, plain.usage.inputTokens, plain.usage.outputTokens]).toEqual([DESIGNED_REPLY, 'stop', chatPromptTokens('Hi there'), 10]);
    const streamed = streamText({ model: model(), prompt: 'Hi there', temperature: 0 });
    expect([await streamed.text, (await streamed.usage).outputTokens]).toEqual([DESIGNED_REPLY, 10]);
  });

  it('a forced tool call, executed, and its result sent back in the next step', async () => {
    const greet = tool({ description: 'Greet someone', inputSchema: Person, execute: async ({ name }) => `greeted ${name}` });
    const result = await generateText({
      model: model(), prompt: 'Greet', temperature: 0, tools: { greet }, stopWhen: stepCountIs(2),
      prepareStep: ({ stepNumber }) => ({ toolChoice: stepNumber === 0 ? { type: 'tool', toolName: 'greet' } : 'none' }),
    });
    expect(result.steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop']);
    expect(result.steps[0]!.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['greet', { name: DESIGNED_REPLY }]]);
    expect(result.text).toBe(DESIGNED_REPLY);
  });

  it('generateObject by grammar, on chat completions and on the Responses API', async () => {
    expect((await generateObject({ model: model(), schema: Person, prompt: 'Name?', temperature: 0 })).object).toEqual({ name: DESIGNED_REPLY });
    const openai = createOpenAI({ baseURL: baseURL(), apiKey: TEST_ADMIN_KEY });
    expect((await generateObject({ model: openai(DESIGNED), schema: Person, prompt: 'Name?', temperature: 0 })).object).toEqual({ name: DESIGNED_REPLY });
  });

  it('@ai-sdk/openai: generateText and streamText on /v1/responses, and .chat() on chat completions', async () => {
    const openai = createOpenAI({ baseURL: baseURL(), apiKey: TEST_ADMIN_KEY });
    expect((await generateText({ model: openai(DESIGNED), prompt: 'Hi there', temperature: 0 })).text).toBe(DESIGNED_REPLY);
    expect(await streamText({ model: openai(DESIGNED), prompt: 'Hi there', temperature: 0 }).text).toBe(DESIGNED_REPLY);
    expect((await generateText({ model: openai.chat(DESIGNED), prompt: 'Hi there', temperature: 0 })).text).toBe(DESIGNED_REPLY);
  });
});

describe('LangChain ChatOpenAI', () => {
  const chat = (options: { useResponsesApi?: boolean } = {}) =>
    new ChatOpenAI({ model: DESIGNED, apiKey: TEST_ADMIN_KEY, temperature: 0, configuration: { baseURL: baseURL() }, ...options });

  it('invoke and stream report usage_metadata', async () => {
    const reply = await chat().invoke('Hi there');
    expect([reply.content, reply.usage_metadata?.input_tokens, reply.usage_metadata?.output_tokens]).toEqual([DESIGNED_REPLY, chatPromptTokens('Hi there'), 10]);
    let text = '';
    let output: number | undefined;
    for await (const chunk of await chat().stream('Hi there')) {
      text += String(chunk.content);
      output = chunk.usage_metadata?.output_tokens ?? output;
    }
    expect([text, output]).toEqual([DESIGNED_REPLY, 10]);
  });

  it('bindTools with a forced tool, and the ToolMessage answered', async () => {
    const human = new HumanMessage('Greet');
    const call = await chat().bindTools([{ name: 'greet', description: 'Greet someone', schema: Person }], { tool_choice: 'greet' }).invoke([human]);
    expect(call.tool_calls!.map((c) => [c.name, c.args])).toEqual([['greet', { name: DESIGNED_REPLY }]]);
    const answer = await chat().invoke([human, call, new ToolMessage({ content: 'greeted', tool_call_id: call.tool_calls![0]!.id! })]);
    expect(answer.content).toBe(DESIGNED_REPLY);
  });

  it('withStructuredOutput: jsonSchema (the default) and functionCalling', async () => {
    expect(await chat().withStructuredOutput(Person).invoke('Name?')).toEqual({ name: DESIGNED_REPLY });
    expect(await chat().withStructuredOutput(Person, { method: 'functionCalling' }).invoke('Name?')).toEqual({ name: DESIGNED_REPLY });
  });

  it('useResponsesApi: invoke on /v1/responses', async () => {
    expect((await chat({ useResponsesApi: true }).invoke('Hi there')).text).toBe(DESIGNED_REPLY);
  });
});
