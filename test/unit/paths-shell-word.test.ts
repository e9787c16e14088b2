import { describe, expect, it } from 'vitest';
import { shellWord } from '../../server/lifecycle/unusable-database-error.js';

describe('the restore command quotes paths for the shell it is pasted into', () => {
  it('POSIX: plain paths as they are, others in single quotes', () => {
    expect(shellWord('/home/ana/.local/share/jan-server/backups/jan-1.sqlite', 'linux')).toBe('/home/ana/.local/share/jan-server/backups/jan-1.sqlite');
    expect(shellWord('/Users/ana/Library/Application Support/jan-server', 'darwin')).toBe("'/Users/ana/Library/Application Support/jan-server'");
    expect(shellWord("/tmp/it's", 'linux')).toBe(`'/tmp/it'\\''s'`);
  });

  it('Windows: backslashes need no quotes; spaces get double quotes, never single', () => {
    expect(shellWord('C:\\Users\\ana\\AppData\\Local\\jan-server\\Data', 'win32')).toBe('C:\\Users\\ana\\AppData\\Local\\jan-server\\Data');
    expect(shellWord('C:\\Users\\Ana Maria\\jan-server\\backups\\jan-1.sqlite', 'win32')).toBe('"C:\\Users\\Ana Maria\\jan-server\\backups\\jan-1.sqlite"');
  });
});
