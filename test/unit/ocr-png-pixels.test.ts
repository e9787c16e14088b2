/** The page splitter's PNG decoding (png-pixels.ts, pngjs) against the canvas and hand-built PNGs of every colour type. */
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../server/ocr/png-pixels.js';
import { encodeImage, renderText } from '../support/media-fixtures.js';

/** A PNG of unfiltered rows (`rows` already packed at `depth`), with optional extra chunks before IDAT. */
function png(width: number, height: number, depth: number, colourType: number, rows: number[][], extra: [string, number[]][] = [], interlace = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, colourType, 0, 0, interlace], 8);
  const raw = Buffer.from(rows.flatMap((row) => [0, ...row]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...extra.map(([type, data]) => chunk(type, Buffer.from(data))),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A 2x1 8-bit grey image, Adam7-interlaced: pass 1 holds pixel (0,0), passes 2-5 are empty for this size,
 * pass 6 holds pixel (1,0), pass 7 (odd rows) is empty.
 */
function adam7Grey2x1(first: number, second: number): Buffer {
  const interlacedRows = [[first], [second]];
  return png(2, 1, 8, 0, interlacedRows, [], 1);
}

const rgbOf = (rgba: Uint8Array) => Array.from({ length: rgba.length / 4 }, (_, i) => [rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]]);

describe('decodePng', () => {
  it('reads what the canvas writes (RGBA, filtered rows) exactly as the canvas does', () => {
    const canvas = renderText(['Invoice total 42', 'Thank you'], { width: 400, fontSize: 30 });
    const decoded = decodePng(encodeImage(canvas, 'png'), 1_000_000)!;
    expect([decoded.width, decoded.height]).toEqual([canvas.width, canvas.height]);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data))).toBe(true);
  });

  it('reads grey, 1-bit, palette, 16-bit and alpha images, laying transparency on white', () => {
    expect(rgbOf(decodePng(png(2, 1, 8, 0, [[0, 200]]), 100)!.rgba)).toEqual([[0, 0, 0, 255], [200, 200, 200, 255]]);
    expect(rgbOf(decodePng(png(3, 1, 1, 0, [[0b10100000]]), 100)!.rgba)).toEqual([[255, 255, 255, 255], [0, 0, 0, 255], [255, 255, 255, 255]]);
    const palette: [string, number[]][] = [['PLTE', [255, 0, 0, 0, 0, 255]], ['tRNS', [255, 0]]];
    expect(rgbOf(decodePng(png(2, 1, 4, 3, [[0x01]], palette), 100)!.rgba)).toEqual([[255, 0, 0, 255], [255, 255, 255, 255]]);
    expect(rgbOf(decodePng(png(1, 1, 16, 2, [[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]]), 100)!.rgba)).toEqual([[0x12, 0x56, 0x9a, 255]]);
    expect(rgbOf(decodePng(png(2, 1, 8, 4, [[0, 255, 0, 0]]), 100)!.rgba)).toEqual([[0, 0, 0, 255], [255, 255, 255, 255]]);
    expect(rgbOf(decodePng(png(1, 1, 8, 6, [[0, 0, 0, 128]]), 100)!.rgba)).toEqual([[127, 127, 127, 255]]);
  });

  it('reads an interlaced (Adam7) file as the same pixels', () => {
    const plain = decodePng(png(2, 1, 8, 0, [[0, 200]]), 100)!;
    const interlaced = decodePng(adam7Grey2x1(0, 200), 100)!;
    expect(rgbOf(interlaced.rgba)).toEqual(rgbOf(plain.rgba));
  });

  it('declines corrupt, truncated and oversized files instead of failing', () => {
    const good = encodeImage(renderText(['some text']), 'png');
    expect(decodePng(Buffer.concat([good.subarray(0, 40), Buffer.alloc(200, 7)]), 1e7)).toBeUndefined();
    expect(decodePng(good.subarray(0, good.length - 40), 1e7)).toBeUndefined();
    expect(decodePng(encodeImage(renderText(['some text']), 'jpeg'), 1e7)).toBeUndefined();
    expect(decodePng(good, 1000)).toBeUndefined();
  });
});
