/**
 * How many cores are free for OCR right now, for page splitting: idle OCR workers are not idle cores. When
 * other work (inference, other processes) keeps the machine busy, the bands of one page only compete for
 * the same cores, and the page waits for the slower band: splitting then costs latency instead of saving it.
 *
 * Over the window since the last reading: free cores = the machine's idle share of its cores (os.cpus()
 * times, on every platform) + what OCR itself used (its workers are idle now, so that is free for the next
 * page). OCR's use is taken as the smaller of the workers' busy time and this process's CPU time: busy time
 * alone overstates it when the machine is contended (a busy worker waiting for a core), process CPU alone
 * when inference runs in this process too.
 */
import { cpus } from 'node:os';

export interface CpuSample {
  /** ms all cores together have been idle, and ms in total, since boot. */
  idleMs: number;
  totalMs: number;
  /** CPU ms this process has used (all its threads). */
  processMs: number;
  /** Worker-ms the OCR workers have been busy with pages. */
  ocrBusyMs: number;
}

/** A window shorter than this keeps the last figure (os.cpus() counts in 10 ms ticks). */
const MIN_WINDOW_MS = 250;

export class CpuHeadroom {
  private last: CpuSample | undefined;
  private lastFree: number;

  /** `sample` reads the figures (a parameter for tests); `cores` is how many os.cpus() lists. */
  constructor(
    private readonly sample: () => CpuSample,
    private readonly cores: number,
  ) {
    this.lastFree = cores; // until there is a window to measure
  }

  /** Cores free for OCR, averaged over the time since the last reading (0 to `cores`). */
  freeCores(): number {
    const now = this.sample();
    const last = this.last;
    if (!last) {
      this.last = now;
      return this.lastFree;
    }
    const totalMs = now.totalMs - last.totalMs;
    const windowMs = totalMs / Math.max(1, this.cores);
    if (windowMs < MIN_WINDOW_MS) return this.lastFree;
    const idleCores = ((now.idleMs - last.idleMs) / totalMs) * this.cores;
    const ocrCores = Math.min(now.ocrBusyMs - last.ocrBusyMs, now.processMs - last.processMs) / windowMs;
    this.last = now;
    this.lastFree = Math.max(0, Math.min(this.cores, idleCores + ocrCores));
    return this.lastFree;
  }
}

/** The machine's and this process's CPU times, with `ocrBusyMs` from the pool. */
export function cpuSampler(ocrBusyMs: () => number): () => CpuSample {
  return () => {
    let idleMs = 0;
    let totalMs = 0;
    for (const { times } of cpus()) {
      idleMs += times.idle;
      totalMs += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    const { user, system } = process.cpuUsage();
    return { idleMs, totalMs, processMs: (user + system) / 1000, ocrBusyMs: ocrBusyMs() };
  };
}
