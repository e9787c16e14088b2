/**
 * The hand-designed test model through the real node-llama-cpp: its greedy output is known exactly
 * (see test/support/gguf/designed-model.ts for why it says "Hey world").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LlamaChatSession, LlamaCompletion, type Llama, type LlamaContext, type LlamaModel, type Token,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESIGNED_HYPERPARAMS, DESIGNED_JSON_REPLY, DESIGNED_JSON_SCHEMA, DESIGNED_REPLY, designedVocab as vocab,
  writeDesignedModel,
} from '../support/gguf/designed-model.js';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { getTestLlama, TEST_THREADS } from '../support/gguf/test-llama.js';

const SYSTEM_PROMPT = 'You are a test model.';
const CHATML_PROMPT = '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n';
const replyTokens = [...DESIGNED_REPLY].map((ch) => vocab.charId(ch));

let dir: string;
let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jan-designed-model-'));
  writeDesignedModel(join(dir, 'designed.gguf'));
  llama = await getTestLlama();
  model = await llama.loadModel({ modelPath: join(dir, 'designed.gguf') });
  context = await model.createContext({ contextSize: 512, sequences: 1, threads: TEST_THREADS });
});

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A chat session on the context's only sequence; the sequence is freed again afterwards. */
async function withSession<T>(run: (session: LlamaChatSession) => Promise<T>): Promise<T> {
  const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: SYSTEM_PROMPT });
  try {
    return await run(session);
  } finally {
    session.dispose({ disposeSequence: true });
  }
}

async function complete(target: LlamaModel, ctx: LlamaContext, prompt: string, maxTokens?: number) {
  const completion = new LlamaCompletion({ contextSequence: ctx.getSequence() });
  const tokens: Token[] = [];
  try {
    const result = await completion.generateCompletionWithMeta(target.tokenize(prompt, true), {
      onToken: (chunk) => tokens.push(...chunk),
      ...(maxTokens !== undefined && { maxTokens }),
    });
    return { text: result.response, stopReason: result.metadata.stopReason, tokens };
  } finally {
    completion.dispose({ disposeSequence: true });
  }
}

describe('designed model', () => {
  it('loads as a llama model with the designed dimensions, vocabulary and ChatML template', () => {
    expect(model.fileInfo.metadata.general.architecture).toBe('llama');
    expect(model.embeddingVectorSize).toBe(DESIGNED_HYPERPARAMS.nEmbd);
    expect(model.trainContextSize).toBe(DESIGNED_HYPERPARAMS.contextLength);
    expect(model.vocabularyType).toBe('spm');
    expect(model.tokens.bos).toBe(vocab.bos);
    expect(model.tokens.eos).toBe(vocab.imEnd);
    expect(model.fileInfo.metadata.tokenizer.ggml.tokens).toHaveLength(356);
  });

  it('tokenizes "Hey world" to one token per character, space as ▁, and back', () => {
    const tokens = model.tokenize(DESIGNED_REPLY);
    expect(tokens).toEqual([299, 328, 348, 259, 346, 338, 341, 335, 327]);
    expect(tokens).toEqual(replyTokens);
    expect(model.detokenize(tokens)).toBe(DESIGNED_REPLY);
  });

  it('tokenizes ChatML control tokens as single tokens and newlines as byte tokens', () => {
    expect(model.tokenize('<|im_start|>assistant\n', true)).toEqual([
      vocab.imStart, ...[...'assistant'].map((ch) => vocab.charId(ch)), vocab.byteId(0x0a),
    ]);
    expect(model.tokenize('é')).toEqual([vocab.byteId(0xc3), vocab.byteId(0xa9)]);
  });

  it('answers a chat with exactly "Hey world" and stops on the EOS token', async () => {
    const tokens: Token[] = [];
    const result = await withSession((session) => {
      // node-llama-cpp recognises the Jinja template as ChatML and uses its own ChatML wrapper.
      expect(session.chatWrapper.wrapperName).toBe('ChatML');
      return session.promptWithMeta('Say something', { onToken: (chunk) => tokens.push(...chunk) });
    });
    expect(result.responseText).toBe(DESIGNED_REPLY);
    expect(result.stopReason).toBe('eogToken');
    expect(tokens).toEqual(replyTokens);
  });

  it('gives the same answer on every turn, whatever the user wrote', async () => {
    // "Hello" ends in a chain token (o → r), but the ChatML prompt always ends with "assistant\n".
    const replies = await withSession(async (session) => [await session.prompt('Hello'), await session.prompt('{')]);
    expect(replies).toEqual([DESIGNED_REPLY, DESIGNED_REPLY]);
  });

  it('stops after maxTokens', async () => {
    const result = await withSession((session) => session.promptWithMeta('Say something', { maxTokens: 3 }));
    expect(result.responseText).toBe('Hey');
    expect(result.stopReason).toBe('maxTokens');
  });

  it('completes a ChatML-rendered prompt with "Hey world" and EOS, the same as the chat session', async () => {
    const result = await complete(model, context, CHATML_PROMPT);
    expect(result).toEqual({ text: DESIGNED_REPLY, stopReason: 'eogToken', tokens: replyTokens });
  });

  it('answers exactly {"name":"Hey world"} under the JSON schema grammar', async () => {
    const grammar = await llama.createGrammarForJsonSchema(DESIGNED_JSON_SCHEMA);
    const text = await withSession((session) => session.prompt('Give me JSON', { grammar }));
    expect(text).toBe(DESIGNED_JSON_REPLY);
    expect(grammar.parse(text)).toEqual({ name: DESIGNED_REPLY });
  });

  it('computes embeddings of the model dimension that depend on the whole text', async () => {
    const embedder = await model.createEmbeddingContext({ contextSize: 128, threads: TEST_THREADS });
    try {
      const [a, again, sameLastToken] = [
        await embedder.getEmbeddingFor('Hey world'),
        await embedder.getEmbeddingFor('Hey world'),
        await embedder.getEmbeddingFor('Bold'),
      ];
      expect(a.vector).toHaveLength(DESIGNED_HYPERPARAMS.nEmbd);
      expect(a.vector.every(Number.isFinite)).toBe(true);
      expect(again.vector).toEqual(a.vector);
      expect(sameLastToken.vector).not.toEqual(a.vector);
      expect(a.calculateCosineSimilarity(sameLastToken)).toBeLessThan(0.999);
    } finally {
      await embedder.dispose();
    }
  });
});

describe('designed model in other storage types', () => {
  it.each(['F32', 'Q8_0'] as const)('%s weights give the same greedy answer', async (type) => {
    const path = join(dir, `designed-${type}.gguf`);
    writeDesignedModel(path, { type });
    const other = await llama.loadModel({ modelPath: path });
    const ctx = await other.createContext({ contextSize: 256, sequences: 1, threads: TEST_THREADS });
    try {
      expect(await complete(other, ctx, CHATML_PROMPT)).toEqual({
        text: DESIGNED_REPLY, stopReason: 'eogToken', tokens: replyTokens,
      });
    } finally {
      await ctx.dispose();
      await other.dispose();
    }
  });
});

describe('random-weight model', () => {
  it('loads and generates exactly maxTokens tokens', async () => {
    const path = join(dir, 'random.gguf');
    const { shape } = writeRandomModel(path, { params: 2e6, vocabSize: 2000 });
    const random = await llama.loadModel({ modelPath: path });
    const ctx = await random.createContext({ contextSize: 256, sequences: 1, threads: TEST_THREADS });
    try {
      expect(random.embeddingVectorSize).toBe(shape.nEmbd);
      const result = await complete(random, ctx, CHATML_PROMPT, 8);
      expect(result.stopReason).toBe('maxTokens');
      expect(result.tokens).toHaveLength(8);
    } finally {
      await ctx.dispose();
      await random.dispose();
    }
  });
});
