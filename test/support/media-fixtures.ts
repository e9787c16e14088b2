/**
 * Test files made at test time: images of known text (rendered with @napi-rs/canvas in the Liberation Sans
 * font pdf.js ships, so no system font is needed) in every format OCR takes, PDFs with and without a text
 * layer, and hostile files. Small encoders for BMP, TIFF and GIF live here because the canvas writes only
 * PNG, JPEG and WebP.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';

const require = createRequire(import.meta.url);
const FONT = 'JanTestSans';
let fontReady = false;

function ensureFont(): void {
  if (fontReady) return;
  const pdfjs = dirname(require.resolve('pdfjs-dist/package.json'));
  GlobalFonts.registerFromPath(join(pdfjs, 'standard_fonts/LiberationSans-Regular.ttf'), FONT);
  fontReady = true;
}

export interface TextImageOptions {
  width?: number;
  height?: number;
  fontSize?: number;
  /** Left/top margin in pixels. */
  margin?: number;
}

/** Black text on white, one line per entry. */
export function renderText(lines: readonly string[], options: TextImageOptions = {}): Canvas {
  ensureFont();
  const fontSize = options.fontSize ?? 36;
  const margin = options.margin ?? 30;
  const lineHeight = Math.round(fontSize * 1.5);
  const width = options.width ?? 900;
  const height = options.height ?? margin * 2 + lineHeight * lines.length;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000000';
  g.font = `${fontSize}px ${FONT}`;
  g.textBaseline = 'top';
  lines.forEach((line, i) => g.fillText(line, margin, margin + i * lineHeight));
  return canvas;
}

/** 8-bit gray pixels of a canvas (row-major). */
export function grayPixels(canvas: Canvas): Uint8Array {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const gray = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!);
  return gray;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'tiff' | 'gif';

export function encodeImage(canvas: Canvas, format: ImageFormat): Buffer {
  if (format === 'png') return canvas.toBuffer('image/png');
  if (format === 'jpeg') return canvas.toBuffer('image/jpeg', 92);
  if (format === 'webp') return canvas.toBuffer('image/webp', 92);
  const gray = grayPixels(canvas);
  if (format === 'bmp') return encodeBmp(canvas.width, canvas.height, gray);
  if (format === 'tiff') return encodeTiff(canvas.width, canvas.height, gray);
  return encodeGif(canvas.width, canvas.height, gray);
}

/** 24-bit BMP, bottom-up rows padded to 4 bytes. */
export function encodeBmp(width: number, height: number, gray: Uint8Array): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowBytes * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(rowBytes * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) out.fill(gray[y * width + x]!, row + x * 3, row + x * 3 + 3);
  }
  return out;
}

/** Baseline grayscale TIFF (little endian, uncompressed, one strip). */
export function encodeTiff(width: number, height: number, gray: Uint8Array): Buffer {
  const entries: [tag: number, type: number, value: number][] = [
    [256, 4, width], [257, 4, height], [258, 3, 8], [259, 3, 1], [262, 3, 1],
    [273, 4, 0], [277, 3, 1], [278, 4, height], [279, 4, gray.length],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const out = Buffer.alloc(dataOffset + gray.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(tag === 273 ? dataOffset : value, at + 8);
  });
  out.set(gray, dataOffset);
  return out;
}

/**
 * GIF with a 256-level gray palette. The LZW stream only ever emits literal codes, with a clear code often
 * enough that the code width stays 9 bits — valid GIF without implementing compression.
 */
export function encodeGif(width: number, height: number, gray: Uint8Array): Buffer {
  const codes: number[] = [256];
  let sinceClear = 0;
  for (const value of gray) {
    codes.push(value);
    if (++sinceClear === 250) {
      codes.push(256);
      sinceClear = 0;
    }
  }
  codes.push(257);
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const code of codes) {
    acc |= code << bits;
    bits += 9;
    while (bits >= 8) {
      bytes.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) bytes.push(acc & 0xff);
  const blocks: number[] = [];
  for (let i = 0; i < bytes.length; i += 255) {
    const chunk = bytes.slice(i, i + 255);
    blocks.push(chunk.length, ...chunk);
  }
  const header = Buffer.alloc(13 + 768 + 10 + 1);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0xf7;
  for (let i = 0; i < 256; i++) header.fill(i, 13 + i * 3, 16 + i * 3);
  let at = 13 + 768;
  header[at++] = 0x2c;
  header.writeUInt16LE(0, at);
  header.writeUInt16LE(0, at + 2);
  header.writeUInt16LE(width, at + 4);
  header.writeUInt16LE(height, at + 6);
  header[at + 8] = 0;
  header[at + 9] = 8; // LZW minimum code size
  return Buffer.concat([header, Buffer.from(blocks), Buffer.from([0, 0x3b])]);
}

/** Assembles a PDF from object bodies (object n is `objects[n-1]`; object 1 must be the catalog). */
export function buildPdf(objects: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function stream(dict: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

const escapePdf = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

/** A Letter-size PDF with a real text layer (Helvetica), one entry of `pages` per page. */
export function textPdf(pages: readonly (readonly string[])[]): Buffer {
  const objects: (string | Buffer)[] = ['<< /Type /Catalog /Pages 2 0 R >>', '', '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  const kids: number[] = [];
  for (const lines of pages) {
    const content = `BT /F1 18 Tf 72 720 Td 24 TL ${lines.map((line) => `(${escapePdf(line)}) Tj T*`).join(' ')} ET`;
    objects.push(stream('', Buffer.from(content, 'latin1')));
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${objects.length} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  return buildPdf(objects);
}

/** A "scanned" PDF: each page is only an image of the canvas (no text layer), placed at `dpi`. */
export function scannedPdf(pages: readonly Canvas[], dpi = 150): Buffer {
  const objects: (string | Buffer)[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: number[] = [];
  for (const canvas of pages) {
    const w = (canvas.width * 72) / dpi;
    const h = (canvas.height * 72) / dpi;
    objects.push(stream(`/Type /XObject /Subtype /Image /Width ${canvas.width} /Height ${canvas.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, deflateSync(grayPixels(canvas))));
    const image = objects.length;
    objects.push(stream('', Buffer.from(`q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im1 Do Q`, 'latin1')));
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Contents ${objects.length} 0 R /Resources << /XObject << /Im1 ${image} 0 R >> >> >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  return buildPdf(objects);
}

/**
 * A page-count bomb: a few hundred bytes whose page tree holds `fanout`² pages, by listing the same page
 * node `fanout` times under the same intermediate node `fanout` times.
 */
export function pageCountBombPdf(fanout = 1000): Buffer {
  const refs = (n: number) => Array.from({ length: fanout }, () => `${n} 0 R`).join(' ');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${refs(3)}] /Count ${fanout * fanout} >>`,
    `<< /Type /Pages /Parent 2 0 R /Kids [${refs(4)}] /Count ${fanout} >>`,
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>',
  ]);
}

/** A PDF whose page tree contains itself. */
export function circularPdf(): Buffer {
  return buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 3 >>']);
}

/** A PNG whose header claims `width` × `height` pixels but holds almost no data (a decompression bomb). */
export function pixelBombPng(width: number, height: number): Buffer {
  const png = renderText(['x'], { width: 8, height: 8, fontSize: 6, margin: 0 }).toBuffer('image/png');
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  return out; // the IHDR CRC no longer matches either
}
