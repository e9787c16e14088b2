/** modelIdFromFile in both path flavours: Windows paths (`\`, drive letters, any case) and POSIX paths. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelIdFromFile } from '../../server/models/model-catalog.js';

describe('modelIdFromFile with path.win32', () => {
  const dir = 'C:\\Users\\ana\\AppData\\Roaming\\jan-server\\models';
  const id = (file: string, modelsDir = dir) => modelIdFromFile(file, modelsDir, path.win32);

  it('takes the file name without .gguf, from the folder itself and from subfolders', () => {
    expect(id(`${dir}\\qwen2.5-0.5b-instruct-q4_k_m.gguf`)).toBe('qwen2.5-0.5b-instruct-q4_k_m');
    expect(id(`${dir}\\Qwen\\Tiny.GGUF`)).toBe('Tiny');
    expect(id(`${dir}\\a\\b\\c\\deep.gguf`)).toBe('deep');
  });

  it('accepts forward slashes and a folder spelled in another case (Windows paths are case-insensitive)', () => {
    expect(id('C:/Users/ana/AppData/Roaming/jan-server/models/sub/m.gguf')).toBe('m');
    expect(id('c:\\users\\ANA\\appdata\\roaming\\jan-server\\models\\m.gguf')).toBe('m');
    expect(id(`${dir}\\m.gguf`, `${dir}\\`)).toBe('m');
  });

  it('refuses files outside the folder, on another drive, or not .gguf', () => {
    expect(id('C:\\Users\\ana\\other\\m.gguf')).toBeUndefined();
    expect(id('D:\\models\\m.gguf')).toBeUndefined();
    expect(id(`${dir}\\notes.txt`)).toBeUndefined();
    expect(id(`${dir}\\m.gguf.part`)).toBeUndefined();
    expect(id(dir)).toBeUndefined();
  });

  it('keeps names that only start with dots apart from parent folders', () => {
    expect(id(`${dir}\\..m.gguf`)).toBeUndefined(); // ids never start with '.', but the file is inside
    expect(id(`${dir}\\..\\m.gguf`)).toBeUndefined();
  });
});

describe('modelIdFromFile with path.posix', () => {
  const dir = '/home/ana/.local/share/jan-server/models';
  const id = (file: string, modelsDir = dir) => modelIdFromFile(file, modelsDir, path.posix);

  it('takes the file name without .gguf, from the folder itself and from subfolders', () => {
    expect(id(`${dir}/llama-3.2-1b.Q4_K_M.gguf`)).toBe('llama-3.2-1b.Q4_K_M');
    expect(id(`${dir}/org/Model.GGUF`)).toBe('Model');
    expect(id(`${dir}/m.gguf`, `${dir}/`)).toBe('m');
  });

  it('refuses files outside the folder, names that cannot be ids, and other files', () => {
    expect(id('/home/ana/m.gguf')).toBeUndefined();
    expect(id(`${dir}/../m.gguf`)).toBeUndefined();
    expect(id(`${dir}/.hidden.gguf`)).toBeUndefined();
    expect(id(`${dir}/back\\slash.gguf`)).toBeUndefined(); // legal on POSIX, but not a URL-safe id
    expect(id(`${dir}/readme.md`)).toBeUndefined();
    expect(id(`${dir}/.gguf`)).toBeUndefined();
  });

  it('is case-sensitive about the folder, as POSIX file systems are', () => {
    expect(id('/home/ANA/.local/share/jan-server/models/m.gguf')).toBeUndefined();
  });
});

describe('modelIdFromFile with the default node:path', () => {
  it('agrees with path.join on this OS', () => {
    const dir = path.resolve('models');
    expect(modelIdFromFile(path.join(dir, 'sub', 'x.gguf'), dir)).toBe('x');
  });
});
