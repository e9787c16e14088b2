/**
 * Cutting a page into bands at blank rows (page-bands.ts) on real rendered pages, and the split worker
 * (page-splitter.ts) that decodes them: cuts fall between text lines, never through one.
 */
import { imageSize } from 'image-size';
import { afterAll, describe, expect, it } from 'vitest';
import { cutBands, encodeBand, scanPage } from '../../server/ocr/page-bands.js';
import { PageSplitter } from '../../server/ocr/page-splitter.js';
import { encodeImage, renderText } from '../support/media-fixtures.js';

const lines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i} of the page with some words`);

/** RGBA of a rendered page, and its scan. */
function scanned(text: string[], options: Parameters<typeof renderText>[1] = {}) {
  const canvas = renderText(text, { width: 700, fontSize: 24, margin: 20, ...options });
  const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return { canvas, rgba, scan: scanPage(rgba, canvas.width, canvas.height) };
}

/** Rows that hold ink, grouped into runs: the text lines as drawn. */
function textLines(ink: ArrayLike<number>): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  for (let y = 0; y < ink.length; y++) {
    if (ink[y] === 0) continue;
    if (runs.at(-1)?.end === y) runs.at(-1)!.end = y + 1;
    else runs.push({ start: y, end: y + 1 });
  }
  return runs;
}

describe('cutBands', () => {
  it('cuts a rendered page only between its text lines, into bands of about equal text, covering every row', () => {
    const { scan } = scanned(lines(18));
    const drawn = textLines(scan.ink);
    expect(drawn).toHaveLength(18);
    for (const parts of [2, 3]) {
      const bands = cutBands(scan.ink, parts);
      expect(bands).toHaveLength(parts);
      expect(bands[0]!.top).toBe(0);
      expect(bands.reduce((rows, band) => rows + band.height, 0)).toBe(scan.height);
      for (const [i, band] of bands.entries()) {
        if (i > 0) expect(band.top).toBe(bands[i - 1]!.top + bands[i - 1]!.height);
        // every drawn line lies wholly inside one band
        const inside = drawn.filter((line) => line.start >= band.top && line.end <= band.top + band.height);
        expect(inside.length).toBeGreaterThanOrEqual(Math.floor(18 / parts) - 1);
      }
      const whole = bands.map((band) => drawn.filter((line) => line.start >= band.top && line.end <= band.top + band.height).length);
      expect(whole.reduce((a, b) => a + b, 0)).toBe(18);
    }
  });

  it('marks a cut in a wider gap as a paragraph break', () => {
    const { scan } = scanned([...lines(6), '', ...lines(6)]);
    const bands = cutBands(scan.ink, 2);
    expect(bands.map((band) => band.paragraphBefore)).toEqual([false, true]);
  });

  it('keeps a page whole with one part, one line, no gap, or too little text on one side', () => {
    expect(cutBands(scanned(lines(10)).scan.ink, 1)).toHaveLength(1);
    expect(cutBands(scanned(['just one line here']).scan.ink, 4)).toHaveLength(1);
    expect(cutBands(new Uint32Array(300).fill(5), 2)).toEqual([{ top: 0, height: 300, paragraphBefore: false }]);
    // ink rows 10-29 and 40-44: the only gap leaves 5 of 25 ink rows below it (under a fifth)
    const ink = new Uint32Array(60);
    for (let y = 10; y < 30; y++) ink[y] = 10;
    for (let y = 41; y < 45; y++) ink[y] = 10;
    expect(cutBands(ink, 2)).toHaveLength(1);
  });
});

describe('encodeBand', () => {
  it('writes a grey page as P5 and a coloured one as P6, with white rows around the band', () => {
    const { canvas, rgba, scan } = scanned(lines(4));
    expect(scan.isGrey).toBe(true);
    const band = encodeBand(scan, rgba, { top: 10, height: 50 }, 8);
    expect(imageSize(band)).toMatchObject({ width: canvas.width, height: 66, type: 'pnm' });
    const header = `P5\n${canvas.width} 66\n255\n`;
    expect(Buffer.from(band.subarray(0, header.length)).toString()).toBe(header);
    expect(band.subarray(header.length, header.length + 8 * canvas.width).every((v) => v === 255)).toBe(true);
    expect([...band.subarray(header.length + 8 * canvas.width, header.length + 9 * canvas.width)]).toEqual([...scan.grey.subarray(10 * canvas.width, 11 * canvas.width)]);

    const g = canvas.getContext('2d');
    g.fillStyle = '#c03020';
    g.fillRect(0, 0, 20, 20);
    const colour = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const colourScan = scanPage(colour, canvas.width, canvas.height);
    expect(colourScan.isGrey).toBe(false);
    const rgb = encodeBand(colourScan, colour, { top: 0, height: 30 }, 0);
    expect(Buffer.from(rgb.subarray(0, 2)).toString()).toBe('P6');
    const start = `P6\n${canvas.width} 30\n255\n`.length;
    expect([...rgb.subarray(start, start + 3)]).toEqual([0xc0, 0x30, 0x20]);
  });
});

describe('PageSplitter', () => {
  const splitter = new PageSplitter();
  afterAll(() => splitter.close());

  it('cuts a PNG page in its worker thread, between lines, into PNM bands', async () => {
    const canvas = renderText(lines(16), { width: 700, fontSize: 24, margin: 20 });
    const bands = await splitter.split(encodeImage(canvas, 'png'), 2);
    expect(bands).toHaveLength(2);
    expect(bands[1]!.top + bands[1]!.height).toBe(canvas.height);
    const { scan } = scanned(lines(16), { width: 700, fontSize: 24, margin: 20 });
    expect(scan.ink[bands[1]!.top]).toBe(0);
    for (const band of bands) expect(imageSize(band.image)).toMatchObject({ width: 700, height: band.height + 32, type: 'pnm' });
  });

  it('answers no bands for a page it cannot or need not cut', async () => {
    const png = encodeImage(renderText(lines(10)), 'png');
    // corrupt after the header: the canvas would crash the process on this; the splitter declines it
    expect(await splitter.split(Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]), 2)).toEqual([]);
    expect(await splitter.split(encodeImage(renderText(lines(10)), 'jpeg'), 2)).toEqual([]);
    expect(await splitter.split(encodeImage(renderText(['one line only']), 'png'), 2)).toEqual([]);
    expect(await splitter.split(png, 1)).toEqual([]);
    expect(await splitter.split(png, 2, 1000)).toEqual([]); // over maxPixels
  });
});
