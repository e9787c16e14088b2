import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufFormatError, readModelFileInfo } from '../../server/runtime/gguf-metadata.js';
import { DESIGNED_HYPERPARAMS, writeDesignedModel } from '../support/gguf/designed-model.js';
import { countParams } from '../support/gguf/llama-layout.js';
import { writeRandomModel } from '../support/gguf/random-model.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jan-gguf-meta-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readModelFileInfo', () => {
  it('reads architecture, name, parameters, quantization and context length from the header', async () => {
    const path = join(dir, 'designed.gguf');
    writeDesignedModel(path);
    expect(await readModelFileInfo(path)).toEqual({
      architecture: 'llama',
      name: 'jan-test-designed',
      parameters: countParams(DESIGNED_HYPERPARAMS),
      quantization: 'F16',
      contextLength: DESIGNED_HYPERPARAMS.contextLength,
      embeddingLength: DESIGNED_HYPERPARAMS.nEmbd,
      hasChatTemplate: true,
    });
  });

  it('skips a large vocabulary array without reading it into memory and reports Q8_0', async () => {
    const path = join(dir, 'random.gguf');
    const { params } = writeRandomModel(path, { params: 3e6, vocabSize: 32000, type: 'Q8_0', contextLength: 2048 });
    expect(await readModelFileInfo(path)).toMatchObject({ parameters: params, quantization: 'Q8_0', contextLength: 2048 });
  });

  it.each([
    ['not-gguf.gguf', Buffer.from('hello world, not a model'), 'not a GGUF file'],
    ['truncated.gguf', Buffer.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 1]), 'unexpected end of file'],
    ['v9.gguf', Buffer.from([0x47, 0x47, 0x55, 0x46, 9, 0, 0, 0]), 'unsupported GGUF version 9'],
  ])('refuses %s', async (name, bytes, message) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const error = await readModelFileInfo(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GgufFormatError);
    expect((error as Error).message).toContain(message);
  });
});
