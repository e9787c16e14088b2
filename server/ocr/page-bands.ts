/**
 * Where a page image can be cut into horizontal bands without cutting through a line of text, and each band
 * as an image tesseract reads without decoding (PNM). Pure functions over RGBA pixels; the page-split
 * worker (page-split-worker.ts) decodes the image and calls them.
 *
 * Rows are classed as ink or blank at full resolution (a thin stroke or a one-pixel gap between lines
 * counts). Bands are cut in the middle of blank runs between text, chosen so each band holds about the same
 * amount of ink (tesseract's time grows with the text it reads). A page with no usable gaps (a photo, a
 * noisy scan, one line) stays whole.
 */

export interface Band {
  /** First row (inclusive) and height, in the image's pixels. */
  top: number;
  height: number;
  /** The blank run above this band is wider than the usual gap between lines (likely a paragraph break). */
  paragraphBefore: boolean;
}

/** A pixel this much darker than the page's background is ink (0–255). */
const INK_DELTA = 64;
/** A blank run must be at least this many rows to cut in (half of it stays on each side of the cut). */
const MIN_GAP_ROWS = 4;
/** A band must hold at least this share of the page's ink, or it is not worth a worker of its own. */
const MIN_BAND_SHARE = 0.2;

/** A decoded page: its grey levels (luma as leptonica weighs colour: 0.3 R, 0.5 G, 0.2 B) and ink per row. */
export interface PageScan {
  width: number;
  height: number;
  grey: Uint8Array;
  /** Every pixel has R = G = B (then `grey` holds the image exactly). */
  isGrey: boolean;
  /** Ink pixels per row, against the page's background (its most common grey level). */
  ink: Uint32Array;
}

export function scanPage(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): PageScan {
  const grey = new Uint8Array(width * height);
  const histogram = new Uint32Array(256);
  let isGrey = true;
  for (let i = 0, p = 0; p < grey.length; i += 4, p++) {
    const r = rgba[i]!;
    const g = rgba[i + 1]!;
    const b = rgba[i + 2]!;
    if (r !== g || g !== b) isGrey = false;
    const value = (r * 77 + g * 128 + b * 51) >> 8; // r when grey
    grey[p] = value;
    histogram[value]!++;
  }
  let background = 255;
  for (let value = 0; value < 256; value++) if (histogram[value]! > histogram[background]!) background = value;
  const threshold = background - INK_DELTA;
  const ink = new Uint32Array(height);
  for (let y = 0; y < height; y++) {
    let count = 0;
    for (let p = y * width, end = p + width; p < end; p++) if (grey[p]! < threshold) count++;
    ink[y] = count;
  }
  return { width, height, grey, isGrey, ink };
}

interface Gap {
  start: number;
  end: number;
  /** Ink in all rows above the gap. */
  inkAbove: number;
}

/** At most `parts` bands, cut in the middle of blank runs nearest to equal shares of the ink. */
export function cutBands(ink: ArrayLike<number>, parts: number): Band[] {
  const height = ink.length;
  const gaps: Gap[] = [];
  let total = 0;
  let runStart = -1;
  for (let y = 0; y < height; y++) {
    if (ink[y] === 0) {
      if (runStart < 0) runStart = y;
      continue;
    }
    // Only runs with text above and below count: not the top margin (nor, never closed, the bottom one).
    if (runStart >= 0 && total > 0 && y - runStart >= MIN_GAP_ROWS) gaps.push({ start: runStart, end: y, inkAbove: total });
    runStart = -1;
    total += ink[y]!;
  }
  const whole: Band[] = [{ top: 0, height, paragraphBefore: false }];
  if (parts < 2 || gaps.length === 0) return whole;
  const cuts = new Set<Gap>();
  for (let part = 1; part < parts; part++) {
    const target = (total * part) / parts;
    cuts.add(gaps.reduce((best, gap) => (Math.abs(gap.inkAbove - target) < Math.abs(best.inkAbove - target) ? gap : best)));
  }
  // Keep only cuts that leave every band enough ink to be worth its own worker.
  const kept: Gap[] = [];
  for (const cut of [...cuts].sort((a, b) => a.start - b.start)) {
    const above = cut.inkAbove - (kept.at(-1)?.inkAbove ?? 0);
    if (above >= total * MIN_BAND_SHARE && total - cut.inkAbove >= total * MIN_BAND_SHARE) kept.push(cut);
  }
  if (kept.length === 0) return whole;
  const sizes = gaps.map((gap) => gap.end - gap.start).sort((a, b) => a - b);
  const usualGap = sizes[Math.floor(sizes.length / 2)]!;
  const bands: Band[] = [];
  let top = 0;
  let paragraphBefore = false;
  for (const cut of kept) {
    const at = Math.floor((cut.start + cut.end) / 2);
    bands.push({ top, height: at - top, paragraphBefore });
    top = at;
    paragraphBefore = cut.end - cut.start > usualGap * 1.5;
  }
  bands.push({ top, height: height - top, paragraphBefore });
  return bands;
}

/**
 * Rows `top`..`top + height` as a binary PNM with `pad` white rows above and below (tesseract reads text
 * touching the image's edge less well): greyscale (P5) when the page is grey, else RGB (P6). Leptonica
 * reads PNM without decompressing anything, which is cheaper than its PNG decoder in WASM.
 */
export function encodeBand(scan: PageScan, rgba: Uint8Array | Uint8ClampedArray, band: Pick<Band, 'top' | 'height'>, pad: number): Uint8Array {
  const { width, isGrey } = scan;
  const channels = isGrey ? 1 : 3;
  const rows = band.height + 2 * pad;
  const header = new TextEncoder().encode(`${isGrey ? 'P5' : 'P6'}\n${width} ${rows}\n255\n`);
  const out = new Uint8Array(header.length + width * rows * channels);
  out.set(header);
  out.fill(255, header.length);
  const at = header.length + pad * width * channels;
  if (isGrey) {
    out.set(scan.grey.subarray(band.top * width, (band.top + band.height) * width), at);
    return out;
  }
  for (let i = band.top * width * 4, end = i + band.height * width * 4, o = at; i < end; i += 4) {
    out[o++] = rgba[i]!;
    out[o++] = rgba[i + 1]!;
    out[o++] = rgba[i + 2]!;
  }
  return out;
}
