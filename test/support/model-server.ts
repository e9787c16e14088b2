/**
 * A test server with the real node-llama-cpp runtime and the hand-designed model installed as `designed`
 * (see test/support/gguf/designed-model.ts: greedy decoding answers exactly "Hey world"). One thread, CPU
 * only: the model is tiny and the test machines have 2 cores.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../server/config/schema.js';
import { writeDesignedModel } from './gguf/designed-model.js';
import { writeRandomModel } from './gguf/random-model.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from './test-server.js';

export const DESIGNED = 'designed';
/** A small random-weight model: gibberish that rarely ends, for requests that must keep a slot busy. */
export const RANDOM = 'random';

/** Prompt tokens of one user message under ChatML with the designed vocabulary: BOS, the template, one per character. */
export const chatPromptTokens = (userText: string) => 20 + userText.length;

export async function startModelServer(overrides: Partial<Config> = {}, options: { random?: boolean } = {}): Promise<TestServer> {
  const server = await startTestServer({ threads: 1, gpu: 'off', parallel: 2, contextSize: 1024, ...overrides });
  await mkdir(server.config.modelsDir, { recursive: true });
  writeDesignedModel(join(server.config.modelsDir, `${DESIGNED}.gguf`));
  if (options.random) writeRandomModel(join(server.config.modelsDir, `${RANDOM}.gguf`), { params: 2e6, vocabSize: 2000, contextLength: 4096 });
  // Load now (in the hook, whose timeout is longer) rather than in the first test.
  const loaded = await server.request(`/v1/models/${DESIGNED}/load`, { method: 'POST', token: TEST_ADMIN_KEY });
  if (loaded.status !== 200) throw new Error(`loading the designed model failed: ${loaded.text}`);
  return server;
}
