/**
 * Decodes a PNG into RGBA pixels in plain JavaScript (node:zlib for the inflate), for the page splitter.
 * Not the canvas: @napi-rs/canvas crashes the whole process (a segfault, not an exception) on truncated
 * or corrupt PNG, JPEG and WebP files, and a page's bytes are whatever a user uploaded. Here a bad file is
 * an exception, and the page is simply read whole by tesseract (whose WASM decoder fails safely).
 *
 * Covers what page images are: every colour type and bit depth, not interlaced (Adam7 files are declined).
 * Transparent pixels are laid on white paper.
 */
import { inflateSync } from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** Four bytes per pixel, row-major, alpha always 255 (composited on white). */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel by colour type: grey, -, RGB, palette, grey+alpha, -, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The pixels, or undefined when the file is not a PNG this reads (corrupt, interlaced, or over `maxPixels`). */
export function decodePng(file: Uint8Array, maxPixels: number): Pixels | undefined {
  try {
    return decode(file, maxPixels);
  } catch {
    return undefined;
  }
}

function decode(file: Uint8Array, maxPixels: number): Pixels | undefined {
  if (!SIGNATURE.every((byte, i) => file[i] === byte)) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let width = 0;
  let height = 0;
  let depth = 0;
  let colourType = -1;
  let palette: Uint8Array | undefined;
  let paletteAlpha: Uint8Array | undefined;
  let keyColour: number[] | undefined;
  const data: Uint8Array[] = [];
  for (let at = 8; at + 8 <= file.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    const body = file.subarray(at + 8, at + 8 + length);
    if (body.length !== length) return undefined; // truncated
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = body[8]!;
      colourType = body[9]!;
      if (body[12] !== 0 || !CHANNELS[colourType] || ![1, 2, 4, 8, 16].includes(depth)) return undefined; // interlaced or invalid
      if (width === 0 || height === 0 || width * height > maxPixels) return undefined;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') {
      if (colourType === 3) paletteAlpha = body;
      else keyColour = Array.from({ length: body.length / 2 }, (_, i) => (body[i * 2]! << 8) | body[i * 2 + 1]!);
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (colourType < 0 || data.length === 0 || (colourType === 3 && !palette)) return undefined;
  const channels = CHANNELS[colourType]!;
  const stride = Math.ceil((width * channels * depth) / 8);
  const raw = inflateSync(Buffer.concat(data), { maxOutputLength: (stride + 1) * height });
  if (raw.length !== (stride + 1) * height) return undefined;
  const rows = unfilter(raw, stride, height, Math.max(1, (channels * depth) >> 3));
  return { width, height, rgba: toRgba(rows, { width, height, depth, colourType, channels, stride, palette, paletteAlpha, keyColour }) };
}

/** Undoes PNG's per-row filters; returns the rows without their filter bytes. */
function unfilter(raw: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    const up = y > 0;
    if (filter === 0) out.set(raw.subarray(src, src + stride), row);
    else if (filter === 1) for (let x = 0; x < stride; x++) out[row + x] = raw[src + x]! + (x >= bpp ? out[row + x - bpp]! : 0);
    else if (filter === 2) for (let x = 0; x < stride; x++) out[row + x] = raw[src + x]! + (up ? out[prev + x]! : 0);
    else if (filter === 3) {
      for (let x = 0; x < stride; x++) out[row + x] = raw[src + x]! + (((x >= bpp ? out[row + x - bpp]! : 0) + (up ? out[prev + x]! : 0)) >> 1);
    } else if (filter === 4) {
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? out[row + x - bpp]! : 0;
        const b = up ? out[prev + x]! : 0;
        const c = x >= bpp && up ? out[prev + x - bpp]! : 0;
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        out[row + x] = raw[src + x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
    } else throw new Error(`bad PNG filter ${filter}`);
  }
  return out;
}

interface Layout {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  channels: number;
  stride: number;
  palette: Uint8Array | undefined;
  paletteAlpha: Uint8Array | undefined;
  keyColour: number[] | undefined;
}

function toRgba(rows: Uint8Array, layout: Layout): Uint8Array {
  const { width, height, depth, colourType, channels, stride, palette, paletteAlpha, keyColour } = layout;
  const rgba = new Uint8Array(width * height * 4);
  if (depth === 8 && !keyColour && colourType !== 3) {
    // The common cases (canvas and scanner output), one tight loop each; alpha is composited after.
    if (colourType === 6) rgba.set(rows.subarray(0, rgba.length));
    else {
      const step = channels; // 1 grey, 2 grey + alpha, 3 RGB
      for (let i = 0, o = 0; o < rgba.length; i += step, o += 4) {
        rgba[o] = rows[i]!;
        rgba[o + 1] = step === 3 ? rows[i + 1]! : rows[i]!;
        rgba[o + 2] = step === 3 ? rows[i + 2]! : rows[i]!;
        rgba[o + 3] = step === 2 ? rows[i + 1]! : 255;
      }
    }
    if (colourType === 4 || colourType === 6) {
      for (let o = 3; o < rgba.length; o += 4) {
        const alpha = rgba[o]!;
        if (alpha === 255) continue;
        rgba[o - 3] = onWhite(rgba[o - 3]!, alpha);
        rgba[o - 2] = onWhite(rgba[o - 2]!, alpha);
        rgba[o - 1] = onWhite(rgba[o - 1]!, alpha);
        rgba[o] = 255;
      }
    }
    return rgba;
  }
  const maxSample = (1 << depth) - 1;
  /** Sample `i` (0-based, across the row) of row `y`, at the file's bit depth. */
  const sample = (y: number, i: number): number => {
    const row = y * stride;
    if (depth === 8) return rows[row + i]!;
    if (depth === 16) return (rows[row + i * 2]! << 8) | rows[row + i * 2 + 1]!;
    const bit = i * depth;
    return (rows[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & maxSample;
  };
  const to8 = (value: number) => (depth === 16 ? value >> 8 : depth === 8 ? value : Math.round((value * 255) / maxSample));
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 4) {
      let r: number;
      let g: number;
      let b: number;
      let alpha = 255;
      const first = x * channels;
      if (colourType === 3) {
        const index = sample(y, first);
        if (index * 3 + 2 >= palette!.length) throw new Error('PNG palette index out of range');
        [r, g, b] = [palette![index * 3]!, palette![index * 3 + 1]!, palette![index * 3 + 2]!];
        alpha = paletteAlpha?.[index] ?? 255;
      } else if (colourType === 0 || colourType === 4) {
        const raw = sample(y, first);
        r = g = b = to8(raw);
        if (colourType === 4) alpha = to8(sample(y, first + 1));
        else if (keyColour && raw === keyColour[0]) alpha = 0;
      } else {
        const raws = [sample(y, first), sample(y, first + 1), sample(y, first + 2)];
        [r, g, b] = raws.map(to8) as [number, number, number];
        if (colourType === 6) alpha = to8(sample(y, first + 3));
        else if (keyColour && raws.every((value, i) => value === keyColour[i])) alpha = 0;
      }
      rgba[o] = onWhite(r, alpha);
      rgba[o + 1] = onWhite(g, alpha);
      rgba[o + 2] = onWhite(b, alpha);
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}

/** A sample of opacity `alpha` laid on white paper. */
function onWhite(value: number, alpha: number): number {
  return 255 - Math.round(((255 - value) * alpha) / 255);
}
