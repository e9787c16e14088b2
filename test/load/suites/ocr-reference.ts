/**
 * Server against plain tesseract.js on the same images, for `npm run bench -- media --reference`: each
 * contender reads every image once, one at a time, the order rotating per image so that no contender always
 * runs right after another (the machine's load drifts; rotation spreads it over all of them).
 */
import type Tesseract from 'tesseract.js';
import { characterAccuracy, extract, stats, upload, type Client } from './media-ocr.js';

export interface Contender {
  label: string;
  /** Untimed setup for image `i` (e.g. the upload); returns the timed read. */
  prepare(png: Buffer, i: number): Promise<() => Promise<{ text: string; insideMs?: number }>>;
  /**
   * CPU time the contender's process has used so far, in ms: CPU per page is the work done, which the
   * machine's load does not change much (unlike latency), and it shows what splitting a page costs.
   */
  cpuMs(): number | undefined;
}

/** A server's extract-text (upload untimed); `insideMs` is its own duration_ms (file read to text, queue included). */
export function serverContender(label: string, client: Client, cpuSeconds: () => number | undefined): Contender {
  return {
    label,
    cpuMs: () => {
      const seconds = cpuSeconds();
      return seconds === undefined ? undefined : seconds * 1000;
    },
    async prepare(png, i) {
      const id = await upload(client, png, `ref-${i}.png`);
      return async () => {
        const { text, duration_ms: insideMs } = (await extract(client, id)) as unknown as { text: string; duration_ms: number };
        return { text, insideMs };
      };
    },
  };
}

export function plainContender(label: string, worker: Tesseract.Worker): Contender {
  const cpuMs = () => {
    const { user, system } = process.cpuUsage(); // this process: its tesseract worker thread included
    return (user + system) / 1000;
  };
  return { label, cpuMs, prepare: async (png) => async () => ({ text: (await worker.recognize(png)).data.text }) };
}

export interface ContenderFigures {
  label: string;
  count: number;
  p50: number;
  p95: number;
  max: number;
  accuracy: number;
  /** p50 of the server's own duration_ms, for servers. */
  insideP50?: number;
  /** p50 of the CPU time per page, in ms (10 ms resolution for servers: /proc ticks). */
  cpuP50?: number;
}

export async function compareContenders(contenders: readonly Contender[], images: readonly { png: Buffer; lines: string[] }[]): Promise<ContenderFigures[]> {
  const samples = contenders.map(() => ({ ms: [] as number[], accuracy: [] as number[], inside: [] as number[], cpu: [] as number[] }));
  for (const [i, { png, lines }] of images.entries()) {
    const reads = [];
    for (const contender of contenders) reads.push(await contender.prepare(png, i));
    for (let k = 0; k < contenders.length; k++) {
      const c = (i + k) % contenders.length;
      const cpuBefore = contenders[c]!.cpuMs();
      const start = performance.now();
      const { text, insideMs } = await reads[c]!();
      samples[c]!.ms.push(performance.now() - start);
      const cpuAfter = contenders[c]!.cpuMs();
      if (cpuBefore !== undefined && cpuAfter !== undefined) samples[c]!.cpu.push(cpuAfter - cpuBefore);
      samples[c]!.accuracy.push(characterAccuracy(text, lines));
      if (insideMs !== undefined) samples[c]!.inside.push(insideMs);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return contenders.map((contender, c) => ({
    label: contender.label,
    ...stats(samples[c]!.ms),
    accuracy: mean(samples[c]!.accuracy),
    ...(samples[c]!.inside.length > 0 && { insideP50: stats(samples[c]!.inside).p50 }),
    ...(samples[c]!.cpu.length > 0 && { cpuP50: stats(samples[c]!.cpu).p50 }),
  }));
}
