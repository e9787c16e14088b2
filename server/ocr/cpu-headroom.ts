/**
 * How many cores are free for OCR right now, for page splitting: idle OCR workers are not idle cores. When
 * other work (inference, other processes) keeps the machine busy, the bands of one page only compete for
 * the same cores, and the page waits for the slower band: splitting then costs latency instead of saving it.
 *
 * Measured over a short window that the caller spends cutting the page (in the split worker thread), so
 * the figure is about now, not the recent past (work that just finished must not count): free cores = the
 * machine's idle share of its cores (os.cpus() times, on every platform) + this process's own use, up to
 * one core (the split worker's, which is free once it has answered; more would be other work in this
 * process, such as inference).
 */
import { cpus } from 'node:os';

export interface CpuSample {
  /** ms all cores together have been idle, and ms in total, since boot. */
  idleMs: number;
  totalMs: number;
  /** CPU ms this process has used (all its threads). */
  processMs: number;
}

export interface Headroom {
  /** The start of a window. */
  mark(): CpuSample;
  /** Cores free for OCR over the window since `mark` (0 to the machine's cores). */
  freeCoresSince(mark: CpuSample): number;
}

export class CpuHeadroom implements Headroom {
  /** `sample` reads the figures (a parameter for tests); `cores` is how many it counts. */
  constructor(
    private readonly cores: number,
    private readonly sample: () => CpuSample = sampleCpu,
  ) {}

  mark(): CpuSample {
    return this.sample();
  }

  freeCoresSince(mark: CpuSample): number {
    const now = this.sample();
    const totalMs = now.totalMs - mark.totalMs;
    if (totalMs <= 0) return 0; // no tick in the window: nothing known, so no claim on the cores
    const windowMs = totalMs / this.cores;
    const idleCores = ((now.idleMs - mark.idleMs) / totalMs) * this.cores;
    const ownCores = Math.min(1, (now.processMs - mark.processMs) / windowMs);
    return Math.max(0, Math.min(this.cores, idleCores + ownCores));
  }
}

export function sampleCpu(): CpuSample {
  let idleMs = 0;
  let totalMs = 0;
  for (const { times } of cpus()) {
    idleMs += times.idle;
    totalMs += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  const { user, system } = process.cpuUsage();
  return { idleMs, totalMs, processMs: (user + system) / 1000 };
}
