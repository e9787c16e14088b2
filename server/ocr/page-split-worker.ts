/**
 * Worker thread that cuts page images into bands for parallel OCR (page-bands.ts does the arithmetic), off
 * the server's event loop: it decodes the PNG (png-pixels.ts), finds the rows where a cut passes no text,
 * and answers each band as a PNM. Started by page-splitter.ts.
 *
 * Protocol: a `SplitRequest` is answered by one `SplitAnswer` with the same id: the band images (two or
 * more), or none when the page stays whole (no gap to cut in, or not a PNG this decodes).
 */
import { parentPort } from 'node:worker_threads';
import { cutBands, encodeBand, scanPage, type Band } from './page-bands.js';
import { decodePng } from './png-pixels.js';

export interface SplitRequest {
  id: number;
  image: Uint8Array;
  /** Most bands wanted (one per idle OCR worker). */
  parts: number;
  /** White rows added above and below each band. */
  pad: number;
  /** Larger images are not decoded (the page stays whole). */
  maxPixels: number;
}

export interface SplitAnswer {
  id: number;
  /** Empty when the page stays whole. */
  bands: (Band & { image: Uint8Array })[];
}

function split(request: SplitRequest): SplitAnswer['bands'] {
  const pixels = decodePng(request.image, request.maxPixels);
  if (!pixels) return [];
  const scan = scanPage(pixels.rgba, pixels.width, pixels.height);
  const bands = cutBands(scan.ink, request.parts);
  if (bands.length < 2) return [];
  return bands.map((band) => ({ ...band, image: encodeBand(scan, pixels.rgba, band, request.pad) }));
}

parentPort!.on('message', (request: SplitRequest) => {
  const answer: SplitAnswer = { id: request.id, bands: split(request) };
  parentPort!.postMessage(answer, answer.bands.map((band) => band.image.buffer as ArrayBuffer));
});
