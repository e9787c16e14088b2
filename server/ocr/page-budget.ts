/**
 * Pixel budgets for OCR: how large a PDF page is rendered, or an image scaled, before tesseract reads it.
 * A worker's memory grows with the largest image it has read (~14 MB per megapixel, and its WASM heap never
 * shrinks) and OCR time with every pixel, so both are capped: per page by lowering the resolution, down to
 * the lowest that is still worth reading; per request by refusing the document.
 */

export interface PageBudget {
  /** Resolution pages are rendered at when they fit. */
  dpi: number;
  /** Lowest resolution worth reading; a page that fits the cap only below it is refused. */
  minDpi: number;
  /** Most pixels (width × height) one page is rendered with. */
  maxPagePixels: number;
}

export interface PixelSize {
  width: number;
  height: number;
}

export interface RenderSize extends PixelSize {
  /** Pixels per PDF point (1 = 72 dpi). */
  scale: number;
}

/**
 * The size to render a page of `widthPt` × `heightPt` at: `budget.dpi`, or lower so that width × height ≤
 * `maxPagePixels` (rounded down, so the cap holds exactly); `undefined` when that would be below `minDpi`.
 */
export function pageRenderSize(widthPt: number, heightPt: number, budget: PageBudget): RenderSize | undefined {
  const fit = Math.sqrt(budget.maxPagePixels / Math.max(widthPt * heightPt, Number.MIN_VALUE));
  const scale = Math.min(budget.dpi / 72, fit);
  if (scale < budget.minDpi / 72) return undefined;
  return { scale, width: Math.max(1, Math.floor(widthPt * scale)), height: Math.max(1, Math.floor(heightPt * scale)) };
}

/** `size` scaled down (aspect kept, rounded down) so that width × height ≤ `maxPixels`; unchanged if it fits. */
export function fitPixels(size: PixelSize, maxPixels: number): PixelSize {
  if (size.width * size.height <= maxPixels) return size;
  const scale = Math.sqrt(maxPixels / (size.width * size.height));
  return { width: Math.max(1, Math.floor(size.width * scale)), height: Math.max(1, Math.floor(size.height * scale)) };
}

const pt = (value: number) => Math.round(value * 100) / 100;

/** Why a page is refused: its size and what it would take even at the lowest resolution. */
export function pageTooLargeMessage(page: number, widthPt: number, heightPt: number, budget: PageBudget): string {
  const width = Math.floor((widthPt * budget.minDpi) / 72);
  const height = Math.floor((heightPt * budget.minDpi) / 72);
  return (
    `Page ${page} is ${pt(widthPt)} x ${pt(heightPt)} pt: even at ${budget.minDpi} dpi it would be ${width} x ${height} = ` +
    `${width * height} pixels, and at most ${budget.maxPagePixels} are read per page.`
  );
}

export function requestTooLargeMessage(pages: number, pixels: number, maxPixels: number): string {
  return `The ${pages} pages without a text layer would be ${pixels} pixels to read; at most ${maxPixels} are read per request.`;
}
