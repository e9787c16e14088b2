/**
 * A server stopped in the middle of a pull resumes it at its next start: the state is in SQLite, the bytes
 * in the part file, and the rest is asked for with Range.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { HubStandin, startHubServer, waitForPull } from '../support/hf-hub-standin.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
let standin: HubStandin;
let bytes: Buffer;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'jan-hub-restart-'));
  writeRandomModel(join(scratch, 'random.gguf'), { params: 2e6, vocabSize: 2000, contextLength: 4096 });
  bytes = await readFile(join(scratch, 'random.gguf'));
  standin = new HubStandin().addRepo({ id: 'acme/Random-GGUF', files: [{ path: 'random-Q4_K_M.gguf', bytes }] });
  await standin.start();
});

afterAll(async () => {
  await standin?.close();
  await rm(scratch, { recursive: true, force: true });
});

it('a restart during a pull resumes it from the part file', async () => {
  const third = Math.floor(bytes.length / 3);
  const held = standin.holdAt('random-Q4_K_M.gguf', third);
  const first = await startHubServer(standin);
  const started = await first.request('/v1/models/pull', { method: 'POST', token, body: { model: 'hf.co/acme/Random-GGUF' } });
  expect(started.json.quantization).toBe('Q4_K_M'); // no tag: Q4_K_M
  await held.reached;
  await waitForPull(first, started.json.id, (p) => p.bytes_done === third);
  await first.stop();
  expect(await readdir(first.modelsDir)).toEqual(['random-Q4_K_M.gguf.part']);

  const before = standin.requests('cdn').length;
  const second = await startHubServer(standin, {}, first.dataDir);
  try {
    const done = await waitForPull(second, started.json.id, (p) => p.status === 'completed');
    expect(done).toMatchObject({ id: started.json.id, bytes_done: bytes.length, model_id: 'random-Q4_K_M' });
    expect(standin.requests('cdn').slice(before).map((r) => r.headers.range)).toEqual([`bytes=${third}-`]);
    expect((await readFile(join(second.modelsDir, 'random-Q4_K_M.gguf'))).equals(bytes)).toBe(true);
  } finally {
    await second.close();
  }
});
