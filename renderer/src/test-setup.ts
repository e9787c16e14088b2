/** Component tests: unmount between tests, and the browser APIs happy-dom lacks. */
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
});

// uPlot paints on a canvas, which happy-dom does not have; the components' own logic is what is under test.
vi.mock('uplot', () => ({
  default: class FakePlot {
    constructor(_opts: unknown, _data: unknown, el: HTMLElement) {
      el.dataset.plot = 'uplot';
    }
    setData(): void {}
    setSize(): void {}
    destroy(): void {}
  },
}));
