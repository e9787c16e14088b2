/** The PDF reader's worker thread with real pdf.js and canvas on PDFs made here (text layer, scanned, hostile). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfReader, type PdfPage } from '../../server/ocr/pdf-reader.js';
import { circularPdf, pageCountBombPdf, renderText, scannedPdf, textPdf } from '../support/media-fixtures.js';

const options = { maxPages: 20, dpi: 150, maxPagePixels: 12_000_000, minTextChars: 16 };

/** Width and height from a PNG's IHDR. */
const pngSize = (png: Uint8Array) => {
  const view = Buffer.from(png);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
};

describe('PdfReader', () => {
  let dir: string;
  let reader: PdfReader;
  const write = (name: string, data: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };
  const read = async (path: string, opts = options) => {
    const pages: PdfPage[] = [];
    const count = await reader.read(path, opts, (page) => pages.push(page));
    return { count, pages };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-pdf-'));
    reader = new PdfReader();
  });
  afterAll(async () => {
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the text layer of each page, in order, without rendering', async () => {
    const path = write('text.pdf', textPdf([['Quarterly report for Zanzibar', 'Revenue grew (a lot)'], ['Second page about Timbuktu']]));
    const { count, pages } = await read(path);
    expect(count).toBe(2);
    expect(pages).toEqual([
      { page: 1, text: 'Quarterly report for Zanzibar\nRevenue grew (a lot)' },
      { page: 2, text: 'Second page about Timbuktu' },
    ]);
  });

  it('renders a page without a text layer to a PNG at the requested resolution', async () => {
    const scan = renderText(['Scanned invoice for Oslo'], { width: 1275, height: 400, fontSize: 48 });
    const { pages } = await read(write('scan.pdf', scannedPdf([scan], 150)));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.text).toBe('');
    expect(pngSize(pages[0]!.image!)).toEqual({ width: 1275, height: 400 });
  });

  it('lowers the resolution of huge pages to the pixel budget', async () => {
    const scan = renderText(['big'], { width: 600, height: 600, fontSize: 40 });
    const { pages } = await read(write('big.pdf', scannedPdf([scan], 150)), { ...options, dpi: 600, maxPagePixels: 1_000_000 });
    const { width, height } = pngSize(pages[0]!.image!);
    expect(width * height).toBeLessThanOrEqual(1_000_000 + 2 * (width + height));
    expect(width).toBeGreaterThan(900);
  });

  it('refuses a page-count bomb before reading any page', async () => {
    const bomb = pageCountBombPdf(1000);
    expect(bomb.length).toBeLessThan(20_000);
    await expect(read(write('bomb.pdf', bomb))).rejects.toMatchObject({ name: 'PdfInputError', code: 'too_many_pages', message: 'The PDF has 1000000 pages; at most 20 are read.' });
  });

  it('rejects broken and circular PDFs as invalid, and keeps working after', async () => {
    await expect(read(write('garbage.pdf', Buffer.from('%PDF-1.7\nthis is not a pdf')))).rejects.toMatchObject({ code: 'invalid_pdf' });
    await expect(read(write('circular.pdf', circularPdf()))).rejects.toMatchObject({ code: 'invalid_pdf', message: expect.stringMatching(/circular/i) });
    expect((await read(write('ok.pdf', textPdf([['still alive and reading pages']])))).pages[0]!.text).toBe('still alive and reading pages');
  });

  it('kills a worker that stops reporting progress and fails only that document', async () => {
    const impatient = new PdfReader({ idleTimeoutMs: 1 });
    try {
      const path = write('slow.pdf', scannedPdf([renderText(['slow'], { width: 1600, height: 2000 })]));
      await expect(impatient.read(path, options, () => undefined)).rejects.toMatchObject({ code: 'pdf_too_complex' });
    } finally {
      await impatient.close();
    }
    expect((await read(write('after.pdf', textPdf([['the shared reader is unaffected']])))).count).toBe(1);
  });
});
