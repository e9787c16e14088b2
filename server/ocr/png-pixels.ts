/**
 * Decodes a PNG into RGBA pixels for the page splitter, with pngjs (pure JavaScript over node:zlib).
 * Not the canvas: @napi-rs/canvas crashes the whole process (a segfault, not an exception) on truncated
 * or corrupt PNG, JPEG and WebP files, and a page's bytes are whatever a user uploaded. Here a bad file is
 * an exception, and the page is simply read whole by tesseract (whose WASM decoder fails safely).
 *
 * The size comes from the header before anything is inflated, so an oversized page costs nothing.
 * Transparent pixels are laid on white paper.
 */
import { PNG } from 'pngjs';

export interface Pixels {
  width: number;
  height: number;
  /** Four bytes per pixel, row-major, alpha always 255 (composited on white). */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The pixels, or undefined when the file is not a PNG this reads (corrupt, truncated, or over `maxPixels`). */
export function decodePng(file: Uint8Array, maxPixels: number): Pixels | undefined {
  // The signature, then IHDR as the first chunk (the PNG specification puts it there): width and height.
  if (file.length < 24 || !SIGNATURE.every((byte, i) => file[i] === byte)) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width * height > maxPixels) return undefined;
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  } catch {
    return undefined;
  }
  const rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  for (let o = 3; o < rgba.length; o += 4) {
    const alpha = rgba[o]!;
    if (alpha === 255) continue;
    rgba[o - 3] = onWhite(rgba[o - 3]!, alpha);
    rgba[o - 2] = onWhite(rgba[o - 2]!, alpha);
    rgba[o - 1] = onWhite(rgba[o - 1]!, alpha);
    rgba[o] = 255;
  }
  return { width: png.width, height: png.height, rgba };
}

function onWhite(value: number, alpha: number): number {
  return 255 - Math.round(((255 - value) * alpha) / 255);
}
