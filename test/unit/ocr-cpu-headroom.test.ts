/** Free cores for page splitting (cpu-headroom.ts), from scripted CPU figures of a 2-core machine. */
import { describe, expect, it } from 'vitest';
import { CpuHeadroom, sampleCpu, type CpuSample } from '../../server/ocr/cpu-headroom.js';

/** A 2-core machine whose window advances by `ms` with the given idle cores and this process's cores. */
function machine() {
  const now: CpuSample = { idleMs: 0, totalMs: 0, processMs: 0 };
  return {
    sample: () => ({ ...now }),
    advance(ms: number, idleCores: number, processCores: number) {
      now.totalMs += ms * 2;
      now.idleMs += ms * idleCores;
      now.processMs += ms * processCores;
    },
  };
}

describe('CpuHeadroom', () => {
  const window = (idleCores: number, processCores: number) => {
    const m = machine();
    const headroom = new CpuHeadroom(2, m.sample);
    const mark = headroom.mark();
    m.advance(50, idleCores, processCores);
    return headroom.freeCoresSince(mark);
  };

  it('counts the idle cores plus this process\'s own use up to one core (the split worker)', () => {
    expect(window(1, 1)).toBe(2); // quiet: one core idle, the other cutting the page
    expect(window(2, 0)).toBe(2);
    expect(window(0.5, 0.5)).toBe(1); // another process holds a core and a half
    expect(window(0, 0.3)).toBeCloseTo(0.3); // a busy machine: the cut itself got a third of a core
  });

  it('does not count other work in this process (inference) as free', () => {
    expect(window(0, 2)).toBe(1);
    expect(window(1, 2)).toBe(2);
  });

  it('claims nothing for a window without a clock tick', () => {
    const m = machine();
    const headroom = new CpuHeadroom(2, m.sample);
    expect(headroom.freeCoresSince(headroom.mark())).toBe(0);
  });

  it('reads this machine\'s figures', () => {
    const sample = sampleCpu();
    expect(sample.totalMs).toBeGreaterThan(sample.idleMs);
    expect(sample.processMs).toBeGreaterThan(0);
    const headroom = new CpuHeadroom(2);
    const free = headroom.freeCoresSince({ ...sample, totalMs: sample.totalMs - 1000, idleMs: sample.idleMs - 500 });
    expect(free).toBeGreaterThanOrEqual(0);
    expect(free).toBeLessThanOrEqual(2);
  });
});
