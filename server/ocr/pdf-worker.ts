/**
 * Worker thread that reads PDFs with pdf.js (legacy build, for Node 20) and renders pages without a text
 * layer with @napi-rs/canvas — the one PDF stack and the one canvas in the process. It also scales images
 * too large for OCR, since it holds the canvas already. It runs in its own thread with a heap limit (set by
 * pdf-reader.ts), so a hostile PDF can exhaust or stall only this thread; the reader kills and replaces it.
 *
 * Protocol (one job at a time): the worker says `ready` once loaded. For a `read` it answers `info` (page
 * count), then one `page` per page in order (with a PNG when the page needs OCR), then `done`; for a
 * `scale-image`, one `image`. Either may end with `error` instead, or with `cancelled` after a `cancel` for
 * its id: a read stops between pages, and a page being rendered stops mid-render.
 *
 * Pages are planned before any is rendered: each page's text layer is read and the render size of each
 * page without one is fixed (page-budget.ts), so a page or a document over its pixel budget is refused
 * before any rendering or OCR work is spent on it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { pdfjsFolderUrl } from './pdfjs-folder-url.js';
import { createCanvas, loadImage, type Canvas, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import { getDocument, type PDFDocumentProxy, type PDFPageProxy, type RenderTask } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { RenderParameters } from 'pdfjs-dist/types/src/display/api.js';
import { fitPixels, pageRenderSize, pageTooLargeMessage, requestTooLargeMessage, type RenderSize } from './page-budget.js';

export interface PdfRequest {
  type: 'read';
  id: number;
  path: string;
  maxPages: number;
  /** Rendering resolution for pages that need OCR. */
  dpi: number;
  /** Lowest resolution worth reading: a page that fits `maxPagePixels` only below it is refused. */
  minDpi: number;
  /** Pages that would render larger are rendered at a lower resolution. */
  maxPagePixels: number;
  /** Most pixels all the rendered pages of the document may add up to. */
  maxTotalPixels: number;
  /** A page whose text layer has fewer non-space characters than this is treated as scanned. */
  minTextChars: number;
}

/** Decode an image (PNG, JPEG, WebP, BMP or GIF — never TIFF, which crashes the canvas) and re-encode it as a PNG of at most `maxPixels`. */
export interface ScaleImageRequest {
  type: 'scale-image';
  id: number;
  image: Uint8Array;
  maxPixels: number;
}

export type WorkerRequest = PdfRequest | ScaleImageRequest | { type: 'cancel'; id: number };

export type PdfErrorCode = 'invalid_pdf' | 'encrypted_pdf' | 'too_many_pages' | 'pdf_too_complex' | 'page_too_large' | 'too_many_pixels' | 'invalid_image';

export interface RenderedImage {
  png: Uint8Array;
  width: number;
  height: number;
}

export type PdfMessage =
  | { id: 0; type: 'ready' }
  | { id: number; type: 'info'; pages: number }
  | { id: number; type: 'page'; page: number; text: string; image?: RenderedImage }
  | { id: number; type: 'image'; image: RenderedImage }
  | { id: number; type: 'done' }
  | { id: number; type: 'cancelled' }
  | { id: number; type: 'error'; code: PdfErrorCode; message: string };

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const MAX_IMAGE_PIXELS = 50_000_000;

class JobError extends Error {
  constructor(readonly code: PdfErrorCode, message: string) {
    super(message);
  }
}

/** Ids of jobs cancelled by the reader, and the render running now (so that a cancel can stop it). */
const cancelled = new Set<number>();
let rendering: { id: number; task: RenderTask } | undefined;
const isCancelled = (id: number) => cancelled.has(id);

function post(message: PdfMessage): void {
  const image = message.type === 'page' || message.type === 'image' ? message.image : undefined;
  parentPort!.postMessage(message, image ? [image.png.buffer as ArrayBuffer] : []);
}

function pageText(items: readonly unknown[]): string {
  let text = '';
  for (const item of items) {
    const { str, hasEOL } = item as { str?: string; hasEOL?: boolean };
    if (str !== undefined) text += str;
    if (hasEOL) text += '\n';
  }
  return text.replace(/[ \t]+\n/g, '\n').trim();
}

async function encodePng(canvas: Canvas): Promise<RenderedImage> {
  const png = await canvas.encode('png');
  return { png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width: canvas.width, height: canvas.height };
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: Canvas; context: SKRSContext2D };
  destroy(target: { canvas: Canvas; context: SKRSContext2D }): void;
}

async function renderPng(page: PDFPageProxy, size: RenderSize, doc: PDFDocumentProxy, id: number): Promise<RenderedImage> {
  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(size.width, size.height);
  try {
    target.context.fillStyle = '#ffffff'; // scans are OCR'd as black on white; a transparent page would read as black
    target.context.fillRect(0, 0, size.width, size.height);
    // pdf.js types its canvas as the DOM's; in Node its canvas factory hands out @napi-rs/canvas objects.
    const params = { canvas: target.canvas, canvasContext: target.context, viewport: page.getViewport({ scale: size.scale }) };
    const task = page.render(params as unknown as RenderParameters);
    task.onContinue = (next: () => void) => setImmediate(next); // between chunks, let a `cancel` message in
    rendering = { id, task };
    await task.promise;
    return await encodePng(target.canvas);
  } finally {
    rendering = undefined;
    factory.destroy(target); // frees the pixels now rather than at some later garbage collection
    page.cleanup();
  }
}

interface PlannedPage {
  text: string;
  /** Set for pages without a text layer: the size they are rendered at for OCR. */
  size?: RenderSize;
}

/** Reads every page's text layer and fixes the render size of the rest, refusing pages and documents over budget. */
async function planPages(doc: PDFDocumentProxy, request: PdfRequest): Promise<PlannedPage[]> {
  const plan: PlannedPage[] = [];
  let pixels = 0;
  for (let number = 1; number <= doc.numPages; number++) {
    if (isCancelled(request.id)) return plan;
    const page = await doc.getPage(number);
    const text = pageText((await page.getTextContent()).items);
    const { width, height } = page.getViewport({ scale: 1 });
    page.cleanup();
    if (text.replace(/\s/g, '').length >= request.minTextChars) {
      plan.push({ text });
      continue;
    }
    const size = pageRenderSize(width, height, request);
    if (!size) throw new JobError('page_too_large', pageTooLargeMessage(number, width, height, request));
    plan.push({ text, size });
    pixels += size.width * size.height;
  }
  const scanned = plan.filter((page) => page.size).length;
  if (pixels > request.maxTotalPixels) throw new JobError('too_many_pixels', requestTooLargeMessage(scanned, pixels, request.maxTotalPixels));
  return plan;
}

async function openDocument(path: string): Promise<PDFDocumentProxy> {
  const data = new Uint8Array(await readFile(path));
  return getDocument({
    data,
    standardFontDataUrl: pdfjsFolderUrl(pdfjsRoot, 'standard_fonts'),
    cMapUrl: pdfjsFolderUrl(pdfjsRoot, 'cmaps'),
    cMapPacked: true,
    wasmUrl: pdfjsFolderUrl(pdfjsRoot, 'wasm'),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: 0,
  }).promise;
}

async function read(request: PdfRequest): Promise<void> {
  const { id } = request;
  const doc = await openDocument(request.path);
  try {
    post({ id, type: 'info', pages: doc.numPages });
    if (doc.numPages > request.maxPages) throw new JobError('too_many_pages', `The PDF has ${doc.numPages} pages; at most ${request.maxPages} are read.`);
    const plan = await planPages(doc, request);
    for (const [index, { text, size }] of plan.entries()) {
      if (isCancelled(id)) return;
      const image = size && (await renderPng(await doc.getPage(index + 1), size, doc, id));
      post({ id, type: 'page', page: index + 1, text, ...(image && { image }) });
    }
    post({ id, type: 'done' });
  } finally {
    await doc.destroy(); // drops pdf.js's caches of this document (fonts, images, operator lists)
  }
}

async function scaleImage(request: ScaleImageRequest): Promise<void> {
  let image: Image;
  try {
    image = await loadImage(request.image); // applies EXIF orientation, so the PNG is upright
  } catch {
    throw new JobError('invalid_image', 'The image could not be read: it is corrupt or not an image.');
  }
  if (isCancelled(request.id)) return;
  const { width, height } = fitPixels({ width: image.width, height: image.height }, request.maxPixels);
  const canvas = createCanvas(width, height);
  try {
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff'; // transparent pixels would read as black
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(image, 0, 0, width, height);
    post({ id: request.id, type: 'image', image: await encodePng(canvas) });
  } finally {
    canvas.width = 0; // frees the pixels now
  }
}

function errorOf(error: unknown): { code: PdfErrorCode; message: string } {
  if (error instanceof JobError) return { code: error.code, message: error.message };
  const name = (error as { name?: string }).name ?? '';
  const message = (error as { message?: string }).message ?? String(error);
  if (name === 'PasswordException') return { code: 'encrypted_pdf', message: 'The PDF is password-protected.' };
  return { code: 'invalid_pdf', message: `The PDF could not be read: ${message}` };
}

async function run(request: PdfRequest | ScaleImageRequest): Promise<void> {
  try {
    await (request.type === 'read' ? read(request) : scaleImage(request));
    if (isCancelled(request.id)) post({ id: request.id, type: 'cancelled' });
  } catch (error) {
    post(isCancelled(request.id) ? { id: request.id, type: 'cancelled' } : { id: request.id, type: 'error', ...errorOf(error) });
  } finally {
    cancelled.delete(request.id);
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type !== 'cancel') return void run(request);
  cancelled.add(request.id);
  if (rendering?.id === request.id) rendering.task.cancel();
});
post({ id: 0, type: 'ready' });
