/** withoutFolder: error messages keep the model's file name and lose the server's folders, in both path flavours. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutFolder } from '../../server/runtime/without-folder.js';

describe('withoutFolder with path.win32', () => {
  const file = 'C:\\Users\\ana\\AppData\\Local\\jan-server\\models\\tiny.gguf';
  const hide = (message: string, f = file) => withoutFolder(message, f, path.win32);

  it('replaces the path as given and as llama.cpp prints it with forward slashes', () => {
    expect(hide(`failed to load model from ${file}`)).toBe('failed to load model from tiny.gguf');
    expect(hide("gguf_init_from_file: failed to open 'C:/Users/ana/AppData/Local/jan-server/models/tiny.gguf'"))
      .toBe("gguf_init_from_file: failed to open 'tiny.gguf'");
  });

  it('replaces the normalized spelling of a path given with mixed separators', () => {
    expect(hide(`EACCES: permission denied, open '${file}'`, 'C:\\Users\\ana\\AppData\\Local\\jan-server/models/tiny.gguf'))
      .toBe("EACCES: permission denied, open 'tiny.gguf'");
  });

  it('leaves messages without the path alone', () => {
    expect(hide('unknown model architecture: mamba9')).toBe('unknown model architecture: mamba9');
  });
});

describe('withoutFolder with path.posix', () => {
  it('replaces the path as given and resolved to absolute (node-llama-cpp resolves relative paths)', () => {
    const relative = 'models/sub/tiny.gguf';
    const absolute = path.posix.resolve(relative);
    const hide = (message: string) => withoutFolder(message, relative, path.posix);
    expect(hide(`failed to load model ("${absolute}")`)).toBe('failed to load model ("tiny.gguf")');
    expect(hide(`cannot open ${relative}`)).toBe('cannot open tiny.gguf');
  });

  it('keeps backslashes as file name characters and replaces every occurrence', () => {
    const file = '/srv/jan/models/a\\b.gguf';
    expect(withoutFolder(`${file}: bad header; ${file}`, file, path.posix)).toBe('a\\b.gguf: bad header; a\\b.gguf');
    expect(withoutFolder('/srv/jan/models/a/b.gguf', file, path.posix)).toBe('/srv/jan/models/a/b.gguf');
  });

  it('does nothing for a bare file name', () => {
    expect(withoutFolder('tiny.gguf is broken', 'tiny.gguf', path.posix)).toBe('tiny.gguf is broken');
  });
});
