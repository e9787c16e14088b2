/**
 * Text extraction (`POST /v1/media/files/{id}/extract-text`): images go to OCR; PDFs give their text layer
 * where a page has one and OCR for pages without; plain text is returned as it is. Results are cached by
 * (content hash, languages) in SQLite, so a repeat — by anyone, for the same bytes — is a lookup, and
 * identical requests running at the same time share one extraction.
 *
 * An extraction is not cancelled when its request times out or goes away: it finishes and fills the cache,
 * so the retry the 503 asks for finds the answer.
 */
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
  /** Resolution pages without a text layer are rendered at for OCR. */
  renderDpi?: number;
}

/** Largest file we read into memory for extraction, and largest image (in pixels) we OCR. */
const MAX_EXTRACT_BYTES = 256 * 1024 * 1024;
const MAX_IMAGE_PIXELS = 40_000_000;
/** A PDF page with fewer non-space characters than this in its text layer is treated as scanned. */
const MIN_TEXT_LAYER_CHARS = 16;

const round3 = (value: number) => Math.round(value * 1000) / 1000;

export class TextExtractionService {
  private readonly inFlight = new Map<string, Promise<Extraction>>();

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

  async extract(userId: string, fileId: string, languages: readonly string[] = ['eng']): Promise<ExtractTextResult> {
    const started = process.hrtime.bigint();
    const file = this.media.get(userId, fileId);
    const langs = this.checkLanguages(languages);
    const key = langs.join('+');
    const cached = this.store.mediaOcr.get(file.sha256, key);
    this.metrics.cacheLookups.inc({ cache: 'ocr', result: cached ? 'hit' : 'miss' });
    const extraction = cached ? (JSON.parse(cached) as Extraction) : await this.shared(file, langs);
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
  private shared(file: MediaFileRow, langs: string[]): Promise<Extraction> {
    const key = `${file.sha256}:${langs.join('+')}`;
    let work = this.inFlight.get(key);
    if (!work) {
      const started = process.hrtime.bigint();
      work = mapMediaErrors(() => this.run(file, langs)).then((extraction) => {
        this.metrics.ocrDuration.observe({ kind: kindOf(file) }, Number(process.hrtime.bigint() - started) / 1e9);
        this.store.mediaOcr.put(file.sha256, langs.join('+'), JSON.stringify(extraction), nowSeconds());
        return extraction;
      });
      work.finally(() => this.inFlight.delete(key)).catch(() => undefined);
      this.inFlight.set(key, work);
    }
    return work;
  }

  private async run(file: MediaFileRow, langs: string[]): Promise<Extraction> {
    const path = this.media.pathOf(file);
    if ((await stat(path)).size > MAX_EXTRACT_BYTES) throw fileTooLarge(MAX_EXTRACT_BYTES, null);
    const kind = kindOf(file);
    const pages = kind === 'pdf' ? await this.pdfPages(path, langs) : kind === 'image' ? [await this.imagePage(path, langs)] : [await textPage(path)];
    for (const page of pages) this.metrics.ocrPages.inc({ source: page.source });
    return summarize(pages, langs);
  }

  private async imagePage(path: string, langs: string[]): Promise<Page> {
    const image = await readFile(path);
    let pixels: number;
    try {
      const { width, height } = imageSize(image);
      pixels = width * height;
    } catch {
      throw unprocessable('The image could not be read: it is corrupt or truncated.', 'invalid_image');
    }
    if (pixels > MAX_IMAGE_PIXELS) throw unprocessable(`The image has ${pixels} pixels; at most ${MAX_IMAGE_PIXELS} are read.`, 'image_too_large');
    const result = await this.ocr.recognize(image, langs);
    return { page: 1, text: result.text.trim(), confidence: round3(result.confidence), source: 'ocr' };
  }

  private async pdfPages(path: string, langs: string[]): Promise<Page[]> {
    const pages: Promise<Page>[] = [];
    const options = { maxPages: this.options.maxPdfPages, dpi: this.options.renderDpi ?? 150, maxPagePixels: 12_000_000, minTextChars: MIN_TEXT_LAYER_CHARS };
    try {
      await this.pdf.read(path, options, ({ page, text, image }) => {
        if (!image) {
          pages.push(Promise.resolve({ page, text, confidence: 1, source: 'text-layer' }));
          return;
        }
        const ocr = this.ocr.recognize(image, langs).then((r): Page => ({ page, text: r.text.trim(), confidence: round3(r.confidence), source: 'ocr' }));
        ocr.catch(() => undefined); // awaited below; this only stops an early failure from going unhandled
        pages.push(ocr);
      });
    } catch (error) {
      await Promise.allSettled(pages);
      throw error;
    }
    return Promise.all(pages);
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
