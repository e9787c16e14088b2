/** The PDF reader's worker thread with real pdf.js and canvas on PDFs made here (text layer, scanned, huge, hostile). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PdfReader, type PdfPage } from '../../server/ocr/pdf-reader.js';
import { circularPdf, encodeImage, pageCountBombPdf, renderText, scannedPdf, textPdf } from '../support/media-fixtures.js';

const options = { maxPages: 20, dpi: 150, minDpi: 72, maxPagePixels: 10_000_000, maxTotalPixels: 40_000_000, minTextChars: 16 };

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
    expect(pages[0]!.image).toMatchObject({ width: 1275, height: 400 });
    expect(pngSize(pages[0]!.image!.png)).toEqual({ width: 1275, height: 400 });
  });

  it('lowers the resolution of huge pages to the pixel budget', async () => {
    const scan = renderText(['big'], { width: 600, height: 600, fontSize: 40 });
    const { pages } = await read(write('big.pdf', scannedPdf([scan], 150)), { ...options, dpi: 600, maxPagePixels: 1_000_000 });
    const { width, height } = pngSize(pages[0]!.image!.png);
    expect(width * height).toBeLessThanOrEqual(1_000_000);
    expect(width).toBeGreaterThan(990);
  });

  it('renders a 14,400 pt wide page within the pixel cap, at a resolution between the minimum and the requested one', async () => {
    // 14,400 x 400 pt (the widest page PDF allows): 25 Mpx at 150 dpi, 5.8 Mpx at 72 dpi.
    const strip = renderText(['A strip of a page two hundred inches wide'], { width: 7200, height: 200, fontSize: 80 });
    const { pages } = await read(write('strip.pdf', scannedPdf([strip], 36)));
    const { width, height } = pngSize(pages[0]!.image!.png);
    expect(pages[0]!.image).toMatchObject({ width, height });
    expect(width * height).toBeLessThanOrEqual(options.maxPagePixels);
    expect(width * height).toBeGreaterThan(options.maxPagePixels * 0.99);
    expect(width).toBeGreaterThanOrEqual(14_400); // at least 72 dpi
    expect(width).toBeLessThan(30_000); // below 150 dpi
  });

  it('refuses a 14,400 x 14,400 pt page (fits the cap only below 72 dpi) before rendering anything', async () => {
    const huge = scannedPdf([renderText(['huge'], { width: 1200, height: 1200 })], 6);
    const seen: PdfPage[] = [];
    await expect(reader.read(write('huge.pdf', huge), options, (page) => seen.push(page))).rejects.toMatchObject({
      name: 'PdfInputError', code: 'page_too_large',
      message: 'Page 1 is 14400 x 14400 pt: even at 72 dpi it would be 14400 x 14400 = 207360000 pixels, and at most 10000000 are read per page.',
    });
    expect(seen).toEqual([]);
  });

  it('refuses a document whose scanned pages add up to more than the request budget, before any page', async () => {
    const page = renderText(['one of three'], { width: 1000, height: 1000 });
    const seen: PdfPage[] = [];
    const path = write('three.pdf', scannedPdf([page, page, page], 150));
    await expect(reader.read(path, { ...options, maxTotalPixels: 2_500_000 }, (p) => seen.push(p))).rejects.toMatchObject({
      code: 'too_many_pixels', message: 'The 3 pages without a text layer would be 3000000 pixels to read; at most 2500000 are read per request.',
    });
    expect(seen).toEqual([]);
  });

  it('stops a read between pages when its signal aborts, and reads the next document', async () => {
    const pages = Array.from({ length: 8 }, (_, i) => renderText([`page ${i + 1}`], { width: 1240, height: 1754 }));
    const path = write('eight.pdf', scannedPdf(pages, 150));
    const controller = new AbortController();
    const seen: number[] = [];
    const reason = new Error('the client went away');
    const reading = reader.read(path, options, ({ page }) => {
      seen.push(page);
      controller.abort(reason);
    }, controller.signal);
    await expect(reading).rejects.toBe(reason);
    expect(seen).toEqual([1]);
    await vi.waitFor(() => expect(reader.pending).toBe(0));
    expect((await read(write('next.pdf', textPdf([['the next document is read']])))).pages[0]!.text).toBe('the next document is read');
  });

  it('drops a queued read whose signal aborts without starting it', async () => {
    const first = read(write('first.pdf', textPdf([['first in line']])));
    const seen: PdfPage[] = [];
    const reason = new Error('gone');
    const queued = reader.read(write('second.pdf', textPdf([['never read']])), options, (page) => seen.push(page), AbortSignal.abort(reason));
    await expect(queued).rejects.toBe(reason);
    expect((await first).count).toBe(1);
    expect(seen).toEqual([]);
  });

  it('scales an image over the cap down to it (aspect kept) as a PNG, and refuses what is not an image', async () => {
    const photo = encodeImage(renderText(['A large photo of a page'], { width: 3000, height: 2000, fontSize: 120 }), 'jpeg');
    const scaled = await reader.scaleImage(photo, 1_500_000);
    expect(pngSize(scaled.png)).toEqual({ width: scaled.width, height: scaled.height });
    expect(scaled).toMatchObject({ width: 1500, height: 1000 });
    const bmp = renderText(['bmp']); // under the cap: only re-encoded
    expect(await reader.scaleImage(encodeImage(bmp, 'bmp'), 1_500_000)).toMatchObject({ width: bmp.width, height: bmp.height });
    await expect(reader.scaleImage(Buffer.from('not an image at all'), 1_000_000)).rejects.toMatchObject({ name: 'PdfInputError', code: 'invalid_image' });
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
