/**
 * Builds the OCR side of the server: the tesseract.js pool (with the installed language data linked into
 * `<dataDir>/ocr/lang`), with page splitting in front of it unless `splitPages` is false (splitting-ocr.ts),
 * and the PDF reader. Nothing starts until the first extraction. `close()` stops them all.
 */
import { join } from 'node:path';
import type { OcrEngine } from './ocr-engine.js';
import { PdfReader } from './pdf-reader.js';
import { findInstalledLanguages, prepareLangPath } from './tesseract-languages.js';
import { PageSplitter } from './page-splitter.js';
import { SplittingOcr } from './splitting-ocr.js';
import { TesseractPool } from './tesseract-pool.js';

export interface OcrRuntime {
  engine: OcrEngine;
  pdf: PdfReader;
  close(): Promise<void>;
}

export interface CreateOcrOptions {
  dataDir: string;
  workers: number;
  queueLimit: number;
  /** Read a large page in bands on idle workers (default true). */
  splitPages?: boolean;
  onQueueDepth?: (depth: number) => void;
  onWorkerError?: (message: string) => void;
}

export function createOcr(options: CreateOcrOptions): OcrRuntime {
  const languages = findInstalledLanguages();
  const pool = new TesseractPool({
    size: options.workers,
    langPath: prepareLangPath(join(options.dataDir, 'ocr', 'lang'), languages),
    installedLanguages: languages.map((language) => language.code),
    queueLimit: options.queueLimit,
    ...(options.onQueueDepth && { onQueueDepth: options.onQueueDepth }),
    ...(options.onWorkerError && { onWorkerError: options.onWorkerError }),
  });
  const engine: OcrEngine = options.splitPages === false ? pool : new SplittingOcr(pool, new PageSplitter());
  const pdf = new PdfReader();
  return {
    engine,
    pdf,
    async close() {
      await pdf.close();
      await engine.close();
    },
  };
}
