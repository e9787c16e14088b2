/**
 * Text extraction (`POST /v1/media/files/{id}/extract-text`): images go to OCR; PDFs give their text layer
 * where a page has one and OCR for pages without; plain text is returned as it is. Results are cached by
 * (content hash, languages) in the store, so a repeat — by anyone, for the same bytes — is a lookup, and
 * identical requests running at the same time share one extraction.
 *
 * Budgets: a page is OCR'd with at most `maxPagePixels` (PDF pages are rendered at a lower resolution,
 * larger images scaled down), and a file with at most `maxRequestPixels` in all; a page that would be
 * unreadably small within the cap, or a file over its budget, is refused with 422 before any OCR.
 *
 * Cancellation: when every request waiting for an extraction has gone (its signal aborted: the client left
 * or the request timed out), the extraction stops — queued pages leave the OCR queue, a running page's
 * worker is stopped, the PDF stops between pages — and nothing is cached. Callers without a signal always
 * keep it running.
 */
import { setMaxListeners } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { imageSize } from 'image-size';
import type { ExtractTextResult } from '../api/media.js';
import { badRequest } from '../errors/app-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { OcrEngine } from '../ocr/ocr-engine.js';
import type { PdfReader } from '../ocr/pdf-reader.js';
import { nowSeconds } from '../store/ids.js';
import type { MediaFileRow } from '../store/media-files-repo.js';
import type { Store } from '../store/store.js';
import { fileTooLarge, mapMediaErrors, unprocessable } from './media-errors.js';
import type { MediaService } from './media-service.js';

type Page = ExtractTextResult['pages'][number];
type Extraction = Omit<ExtractTextResult, 'file_id' | 'duration_ms' | 'cached'>;

export interface TextExtractionOptions {
  maxPdfPages: number;
  /** Resolution pages without a text layer are rendered at for OCR (default 150 dpi). */
  renderDpi?: number;
  /** Most pixels (width × height) one page or image is OCR'd with. */
  maxPagePixels: number;
  /** Most pixels the OCR'd pages of one file may add up to. */
  maxRequestPixels: number;
}

/** Largest file we read into memory for extraction, and largest image (in pixels) we decode at all. */
const MAX_EXTRACT_BYTES = 256 * 1024 * 1024;
const MAX_IMAGE_PIXELS = 40_000_000;
/** A PDF page with fewer non-space characters than this in its text layer is treated as scanned. */
const MIN_TEXT_LAYER_CHARS = 16;
/** One pixel per point: below it body text (10–12 pt) is under ~6 px high, and tesseract reads little of it. */
const MIN_RENDER_DPI = 72;

/** An extraction and the requests waiting for it (see the header on cancellation). */
interface SharedExtraction {
  work: Promise<Extraction>;
  controller: AbortController;
  waiters: number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

export class TextExtractionService {
  private readonly inFlight = new Map<string, SharedExtraction>();

  constructor(
    private readonly store: Store,
    private readonly media: MediaService,
    private readonly ocr: OcrEngine,
    private readonly pdf: PdfReader,
    private readonly metrics: Metrics,
    private readonly options: TextExtractionOptions,
  ) {}

  get installedLanguages(): readonly string[] {
    return this.ocr.installedLanguages;
  }

  /** What OCR is doing now: pages waiting for a worker, pages being recognised, PDF jobs queued or running. */
  get ocrLoad(): { queueDepth: number; busyWorkers: number; pdfJobs: number } {
    return { queueDepth: this.ocr.queueDepth, busyWorkers: this.ocr.busyWorkers, pdfJobs: this.pdf.pending };
  }

  /** `signal`: the caller gives up (see the header); the promise then rejects with its reason. */
  async extract(userId: string, fileId: string, languages: readonly string[] = ['eng'], signal?: AbortSignal): Promise<ExtractTextResult> {
    if (signal?.aborted) throw signal.reason;
    const started = process.hrtime.bigint();
    const file = await this.media.get(userId, fileId);
    const langs = this.checkLanguages(languages);
    const key = langs.join('+');
    const cached = await this.store.mediaOcr.get(file.sha256, key);
    this.metrics.cacheLookups.inc({ cache: 'ocr', result: cached ? 'hit' : 'miss' });
    const extraction = cached ? (JSON.parse(cached) as Extraction) : await this.shared(file, langs, signal);
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    return { file_id: file.id, ...extraction, duration_ms: durationMs, cached: cached !== undefined };
  }

  private checkLanguages(languages: readonly string[]): string[] {
    const unique = [...new Set(languages)];
    const missing = unique.filter((code) => !this.ocr.installedLanguages.includes(code));
    if (missing.length > 0) {
      throw badRequest(
        `Language data not installed: ${missing.join(', ')}. Installed: ${this.ocr.installedLanguages.join(', ') || 'none'} ` +
          '(add an @tesseract.js-data/<code> package to install more).',
        'languages',
        'language_not_installed',
      );
    }
    return unique;
  }

  /** One extraction per (content, languages) at a time; the result is cached when it completes. */
  private shared(file: MediaFileRow, langs: string[], signal: AbortSignal | undefined): Promise<Extraction> {
    const key = `${file.sha256}:${langs.join('+')}`;
    const entry = this.inFlight.get(key) ?? this.start(file, langs, key);
    entry.waiters++;
    if (!signal) return entry.work;
    return new Promise((resolve, reject) => {
      const leave = () => {
        reject(signal.reason);
        if (--entry.waiters > 0) return;
        // The last one out stops the work; a request arriving now starts afresh rather than join a stopping one.
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        entry.controller.abort(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      entry.work.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  private start(file: MediaFileRow, langs: string[], key: string): SharedExtraction {
    const controller = new AbortController();
    const started = process.hrtime.bigint();
    const work = mapMediaErrors(() => this.run(file, langs, controller.signal)).then(async (extraction) => {
      this.metrics.ocrDuration.observe({ kind: kindOf(file) }, Number(process.hrtime.bigint() - started) / 1e9);
      await this.store.mediaOcr.put(file.sha256, langs.join('+'), JSON.stringify(extraction), nowSeconds());
      return extraction;
    });
    const entry: SharedExtraction = { work, controller, waiters: 0 };
    work.finally(() => this.inFlight.get(key) === entry && this.inFlight.delete(key)).catch(() => undefined);
    this.inFlight.set(key, entry);
    return entry;
  }

  private async run(file: MediaFileRow, langs: string[], signal: AbortSignal): Promise<Extraction> {
    const path = this.media.pathOf(file);
    if ((await stat(path)).size > MAX_EXTRACT_BYTES) throw fileTooLarge(MAX_EXTRACT_BYTES, null);
    const kind = kindOf(file);
    const pages =
      kind === 'pdf' ? await this.pdfPages(path, langs, signal) : kind === 'image' ? [await this.imagePage(file, path, langs, signal)] : [await textPage(path)];
    for (const page of pages) this.metrics.ocrPages.inc({ source: page.source });
    return summarize(pages, langs);
  }

  private async imagePage(file: MediaFileRow, path: string, langs: string[], signal: AbortSignal): Promise<Page> {
    const image = await readFile(path);
    let pixels: number;
    try {
      const { width, height } = imageSize(image);
      pixels = width * height;
    } catch {
      throw unprocessable('The image could not be read: it is corrupt or truncated.', 'invalid_image');
    }
    if (pixels > MAX_IMAGE_PIXELS) throw unprocessable(`The image has ${pixels} pixels; at most ${MAX_IMAGE_PIXELS} are read.`, 'image_too_large');
    const cap = Math.min(this.options.maxPagePixels, this.options.maxRequestPixels);
    let input: Uint8Array = image;
    // BMPs are converted too: tesseract.js re-encodes them through a JS object with one property per byte
    // (an A4 page at 150 dpi: ~60 s and ~700 MB), where the canvas takes milliseconds.
    if (pixels > cap || file.mime_type === 'image/bmp') {
      if (file.mime_type === 'image/tiff') {
        // The canvas cannot decode TIFF (it crashes on it), so a TIFF cannot be scaled down here.
        throw unprocessable(`The TIFF image has ${pixels} pixels; at most ${cap} are read (convert it to PNG or JPEG to have it scaled down).`, 'image_too_large');
      }
      input = (await this.pdf.scaleImage(image, cap, signal)).png;
    }
    const result = await this.ocr.recognize(input, langs, { signal });
    return { page: 1, text: result.text.trim(), confidence: round3(result.confidence), source: 'ocr' };
  }

  /** OCR of each rendered page starts as soon as it arrives; the first failure (or the caller's abort) stops the rest. */
  private async pdfPages(path: string, langs: string[], signal: AbortSignal): Promise<Page[]> {
    const failed = new AbortController();
    const stop = AbortSignal.any([signal, failed.signal]);
    setMaxListeners(this.options.maxPdfPages + 1, stop); // one per page waiting for OCR, one for the read: not a leak
    const pages: Promise<Page>[] = [];
    const options = {
      maxPages: this.options.maxPdfPages, dpi: this.options.renderDpi ?? 150, minDpi: MIN_RENDER_DPI, minTextChars: MIN_TEXT_LAYER_CHARS,
      maxPagePixels: this.options.maxPagePixels, maxTotalPixels: this.options.maxRequestPixels,
    };
    try {
      await this.pdf.read(path, options, ({ page, text, image }) => {
        if (!image) {
          pages.push(Promise.resolve({ page, text, confidence: 1, source: 'text-layer' }));
          return;
        }
        const ocr = this.ocr.recognize(image.png, langs, { signal: stop }).then((r): Page => ({ page, text: r.text.trim(), confidence: round3(r.confidence), source: 'ocr' }));
        ocr.catch((error: unknown) => failed.abort(error)); // awaited below; this also keeps an early failure from going unhandled
        pages.push(ocr);
      }, stop);
      return await Promise.all(pages);
    } catch (error) {
      failed.abort(error); // the pages still queued or running are of no use now
      await Promise.allSettled(pages);
      throw error;
    }
  }
}

function kindOf(file: MediaFileRow): 'pdf' | 'image' | 'text' {
  if (file.mime_type === 'application/pdf') return 'pdf';
  return file.mime_type.startsWith('image/') ? 'image' : 'text';
}

async function textPage(path: string): Promise<Page> {
  return { page: 1, text: await readFile(path, 'utf8'), confidence: 1, source: 'text-layer' };
}

/** Joins the pages; the overall confidence weights each page by how much text it has. */
function summarize(pages: Page[], langs: string[]): Extraction {
  const weights = pages.map((page) => Math.max(1, page.text.replace(/\s/g, '').length));
  const total = weights.reduce((a, b) => a + b, 0);
  const confidence = pages.length === 0 ? 0 : pages.reduce((sum, page, i) => sum + page.confidence * weights[i]!, 0) / total;
  return {
    text: pages.map((page) => page.text).filter((text) => text !== '').join('\n\n'),
    confidence: round3(confidence),
    language: langs.join('+'),
    pages,
  };
}
