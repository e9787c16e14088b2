/**
 * Worker thread that reads PDFs with pdf.js (legacy build, for Node 20) and renders pages without a text
 * layer with @napi-rs/canvas — the one PDF stack and the one canvas in the process. It runs in its own
 * thread with a heap limit (set by pdf-reader.ts), so a hostile PDF can exhaust or stall only this thread;
 * the reader kills and replaces it.
 *
 * Protocol (one document at a time): the worker says `ready` once loaded; for each `PdfRequest` it answers
 * `info` (page count), then one `page` per page in order (with a PNG when the page needs OCR), then `done`
 * — or `error`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { RenderParameters } from 'pdfjs-dist/types/src/display/api.js';

export interface PdfRequest {
  id: number;
  path: string;
  maxPages: number;
  /** Rendering resolution for pages that need OCR. */
  dpi: number;
  /** Pages that would render larger are rendered at a lower resolution. */
  maxPagePixels: number;
  /** A page whose text layer has fewer non-space characters than this is treated as scanned. */
  minTextChars: number;
}

export type PdfErrorCode = 'invalid_pdf' | 'encrypted_pdf' | 'too_many_pages' | 'pdf_too_complex';

export type PdfMessage =
  | { id: 0; type: 'ready' }
  | { id: number; type: 'info'; pages: number }
  | { id: number; type: 'page'; page: number; text: string; image?: Uint8Array }
  | { id: number; type: 'done' }
  | { id: number; type: 'error'; code: PdfErrorCode; message: string };

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const MAX_IMAGE_PIXELS = 50_000_000;

function post(message: PdfMessage): void {
  const transfer = message.type === 'page' && message.image ? [message.image.buffer as ArrayBuffer] : [];
  parentPort!.postMessage(message, transfer);
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

async function renderPng(page: PDFPageProxy, request: PdfRequest, doc: PDFDocumentProxy): Promise<Uint8Array> {
  const base = page.getViewport({ scale: 1 });
  let scale = request.dpi / 72;
  const pixels = base.width * base.height * scale * scale;
  if (pixels > request.maxPagePixels) scale *= Math.sqrt(request.maxPagePixels / pixels);
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as { create(w: number, h: number): { canvas: Canvas; context: SKRSContext2D } };
  const { canvas, context } = factory.create(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
  context.fillStyle = '#ffffff'; // scans are OCR'd as black on white; a transparent page would read as black
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js types its canvas as the DOM's; in Node its canvas factory hands out @napi-rs/canvas objects.
  await page.render({ canvas, canvasContext: context, viewport } as unknown as RenderParameters).promise;
  const png = await canvas.encode('png');
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

function errorCode(error: unknown): { code: PdfErrorCode; message: string } {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as { message?: string }).message ?? String(error);
  if (name === 'PasswordException') return { code: 'encrypted_pdf', message: 'The PDF is password-protected.' };
  return { code: 'invalid_pdf', message: `The PDF could not be read: ${message}` };
}

async function handle(request: PdfRequest): Promise<void> {
  const data = new Uint8Array(await readFile(request.path));
  const doc = await getDocument({
    data,
    standardFontDataUrl: join(pdfjsRoot, 'standard_fonts/'),
    cMapUrl: join(pdfjsRoot, 'cmaps/'),
    cMapPacked: true,
    wasmUrl: join(pdfjsRoot, 'wasm/'),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: 0,
  }).promise;
  try {
    post({ id: request.id, type: 'info', pages: doc.numPages });
    if (doc.numPages > request.maxPages) {
      post({ id: request.id, type: 'error', code: 'too_many_pages', message: `The PDF has ${doc.numPages} pages; at most ${request.maxPages} are read.` });
      return;
    }
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const text = pageText((await page.getTextContent()).items);
      const scanned = text.replace(/\s/g, '').length < request.minTextChars;
      post({ id: request.id, type: 'page', page: number, text, ...(scanned && { image: await renderPng(page, request, doc) }) });
      page.cleanup();
    }
    post({ id: request.id, type: 'done' });
  } finally {
    await doc.destroy();
  }
}

parentPort!.on('message', (request: PdfRequest) => {
  handle(request).catch((error: unknown) => post({ id: request.id, type: 'error', ...errorCode(error) }));
});
post({ id: 0, type: 'ready' });
