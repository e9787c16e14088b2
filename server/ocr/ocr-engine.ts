/**
 * What the server needs from an OCR engine: recognise the text of one image in some languages. The
 * tesseract.js pool implements it; tests may pass their own.
 */
export interface OcrPageResult {
  text: string;
  /** Mean word confidence, 0–1. */
  confidence: number;
}

export interface RecognizeOptions {
  /**
   * Stops the page: waiting, it leaves the queue; running, its worker is stopped (and replaced on demand).
   * The promise then rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface OcrEngine {
  /** Language codes whose data is installed (e.g. `eng`). */
  readonly installedLanguages: readonly string[];
  /** Pages waiting for a worker now. */
  readonly queueDepth: number;
  /** Pages being recognised now. */
  readonly busyWorkers: number;
  /** `image` is an encoded image (PNG, JPEG, WebP, BMP, TIFF or GIF). */
  recognize(image: Uint8Array, languages: readonly string[], options?: RecognizeOptions): Promise<OcrPageResult>;
  close(): Promise<void>;
}

/** The image could not be read (corrupt or not an image the engine knows). */
export class OcrInputError extends Error {
  override name = 'OcrInputError';
}

/** Too much work queued already; try again later. */
export class OcrBusyError extends Error {
  override name = 'OcrBusyError';
}

/** A worker could not be started, died, or took too long. */
export class OcrEngineError extends Error {
  override name = 'OcrEngineError';
}
