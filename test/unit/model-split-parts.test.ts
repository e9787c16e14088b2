/** Split GGUF sets (`x-00001-of-00003.gguf` …): one model id, every part's path, in both path flavours. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCatalog, splitPart, splitPartPaths } from '../../server/models/model-catalog.js';
import type { InferenceRuntime } from '../../server/runtime/inference-runtime.js';

describe('splitPart', () => {
  it('names the set, the part and the count', () => {
    expect(splitPart('llama-3-q4_k_m-00002-of-00003')).toEqual({ id: 'llama-3-q4_k_m', part: 2, of: 3 });
  });
  it('leaves ordinary names and impossible numbers alone', () => {
    expect(splitPart('llama-3-q4_k_m')).toBeUndefined();
    expect(splitPart('m-00004-of-00003')).toBeUndefined();
    expect(splitPart('m-00000-of-00003')).toBeUndefined();
    expect(splitPart('m-1-of-3')).toBeUndefined();
  });
});

describe('splitPartPaths', () => {
  it('lists every part beside the first with path.win32', () => {
    expect(splitPartPaths('C:\\models\\sub\\m-00001-of-00002.GGUF', 2, path.win32)).toEqual([
      'C:\\models\\sub\\m-00001-of-00002.GGUF', 'C:\\models\\sub\\m-00002-of-00002.GGUF',
    ]);
  });
  it('lists every part beside the first with path.posix', () => {
    expect(splitPartPaths('/data/models/m-00001-of-00003.gguf', 3, path.posix)).toEqual([
      '/data/models/m-00001-of-00003.gguf', '/data/models/m-00002-of-00003.gguf', '/data/models/m-00003-of-00003.gguf',
    ]);
  });
});

describe('ModelCatalog with split files', () => {
  let dir: string | undefined;
  afterEach(() => dir && rm(dir, { recursive: true, force: true }));

  /** The catalog only needs the runtime to read headers; these files are not real GGUFs, so it refuses them. */
  const runtime = { inspect: () => Promise.reject(new Error('not a GGUF file')) } as unknown as InferenceRuntime;

  it('lists a complete set once, with every part and their total size', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'split-'));
    await writeFile(path.join(dir, 'big-00001-of-00002.gguf'), Buffer.alloc(10));
    await writeFile(path.join(dir, 'big-00002-of-00002.gguf'), Buffer.alloc(7));
    await writeFile(path.join(dir, 'small.gguf'), Buffer.alloc(3));
    const entries = await new ModelCatalog(dir, runtime).list();
    expect(entries.map((e) => e.id)).toEqual(['big', 'small']);
    expect(entries[0]!.sizeBytes).toBe(17);
    expect(entries[0]!.parts.map((p) => path.basename(p))).toEqual(['big-00001-of-00002.gguf', 'big-00002-of-00002.gguf']);
    expect(entries[1]!.parts).toEqual([path.join(dir, 'small.gguf')]);
  });

  it('says which parts are missing instead of listing a set that cannot load', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'split-'));
    await writeFile(path.join(dir, 'big-00001-of-00003.gguf'), Buffer.alloc(10));
    await writeFile(path.join(dir, 'big-00003-of-00003.gguf'), Buffer.alloc(10));
    const [entry] = await new ModelCatalog(dir, runtime).list();
    expect(entry!.id).toBe('big');
    expect(entry!.error).toMatch(/1 of the 3 parts/);
  });
});
