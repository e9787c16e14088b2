import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfjsFolderUrl } from '../../server/ocr/pdfjs-folder-url.js';

describe('pdf.js data folders keep the trailing slash pdf.js requires', () => {
  it('on Windows the slash is not turned into a backslash', () => {
    expect(pdfjsFolderUrl('C:\\app\\node_modules\\pdfjs-dist', 'standard_fonts', path.win32)).toBe('C:\\app\\node_modules\\pdfjs-dist\\standard_fonts/');
  });

  it('on POSIX systems', () => {
    expect(pdfjsFolderUrl('/app/node_modules/pdfjs-dist', 'cmaps', path.posix)).toBe('/app/node_modules/pdfjs-dist/cmaps/');
  });
});
