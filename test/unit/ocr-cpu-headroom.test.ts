/** Free cores for page splitting (cpu-headroom.ts), from scripted CPU figures of a 2-core machine. */
import { describe, expect, it } from 'vitest';
import { CpuHeadroom, cpuSampler, type CpuSample } from '../../server/ocr/cpu-headroom.js';

/** Samples of a 2-core machine: each step advances wall time by `ms` with the given idle, process and OCR shares. */
function machine() {
  const now: CpuSample = { idleMs: 0, totalMs: 0, processMs: 0, ocrBusyMs: 0 };
  return {
    sample: () => ({ ...now }),
    advance(ms: number, { idleCores, processCores, ocrWorkers }: { idleCores: number; processCores: number; ocrWorkers: number }) {
      now.totalMs += ms * 2;
      now.idleMs += ms * idleCores;
      now.processMs += ms * processCores;
      now.ocrBusyMs += ms * ocrWorkers;
    },
  };
}

describe('CpuHeadroom', () => {
  it('counts idle cores plus what OCR itself used, capped at the machine', () => {
    const m = machine();
    const headroom = new CpuHeadroom(m.sample, 2);
    expect(headroom.freeCores()).toBe(2); // nothing measured yet
    m.advance(1000, { idleCores: 2, processCores: 0, ocrWorkers: 0 });
    expect(headroom.freeCores()).toBe(2); // a quiet machine
    m.advance(1000, { idleCores: 0, processCores: 2, ocrWorkers: 2 });
    expect(headroom.freeCores()).toBe(2); // busy only with our own bands
    m.advance(1000, { idleCores: 1, processCores: 1, ocrWorkers: 1 });
    expect(headroom.freeCores()).toBe(2); // one page on one worker, the other core idle
  });

  it('sees cores kept busy by others: other processes, or inference in this one', () => {
    const m = machine();
    const headroom = new CpuHeadroom(m.sample, 2);
    headroom.freeCores();
    // Others use everything; our two busy workers got half a core between them.
    m.advance(2000, { idleCores: 0, processCores: 0.5, ocrWorkers: 2 });
    expect(headroom.freeCores()).toBeCloseTo(0.5);
    // Inference in this process uses both cores; OCR was idle.
    m.advance(2000, { idleCores: 0, processCores: 2, ocrWorkers: 0 });
    expect(headroom.freeCores()).toBe(0);
    // One core idle, the other running our one page.
    m.advance(2000, { idleCores: 1, processCores: 1, ocrWorkers: 1 });
    expect(headroom.freeCores()).toBe(2);
  });

  it('keeps the last figure over a window too short to measure', () => {
    const m = machine();
    const headroom = new CpuHeadroom(m.sample, 2);
    headroom.freeCores();
    m.advance(1000, { idleCores: 0, processCores: 0, ocrWorkers: 0 });
    expect(headroom.freeCores()).toBe(0);
    m.advance(100, { idleCores: 2, processCores: 0, ocrWorkers: 0 });
    expect(headroom.freeCores()).toBe(0);
    m.advance(1000, { idleCores: 1, processCores: 0, ocrWorkers: 0 });
    expect(headroom.freeCores()).toBeCloseTo((100 * 2 + 1000 * 1) / 1100); // the short window counts in the next one
  });

  it('reads this machine: a figure between 0 and its cores', () => {
    const headroom = new CpuHeadroom(cpuSampler(() => 0), 2);
    headroom.freeCores();
    const sample = cpuSampler(() => 7)();
    expect(sample.ocrBusyMs).toBe(7);
    expect(sample.totalMs).toBeGreaterThan(sample.idleMs);
    expect(sample.processMs).toBeGreaterThan(0);
  });
});
