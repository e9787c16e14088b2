/** The pixel budget of OCR: the render size of a page and the scaling of an image (pure functions). */
import { describe, expect, it } from 'vitest';
import { fitPixels, pageRenderSize, pageTooLargeMessage } from '../../server/ocr/page-budget.js';

const budget = { dpi: 150, minDpi: 72, maxPagePixels: 10_000_000 };
const A4 = [595.28, 841.89] as const;

describe('pageRenderSize', () => {
  it('renders a page that fits at the requested resolution', () => {
    expect(pageRenderSize(...A4, budget)).toEqual({ scale: 150 / 72, width: 1240, height: 1753 });
    expect(pageRenderSize(...A4, { ...budget, dpi: 300 })).toEqual({ scale: 300 / 72, width: 2480, height: 3507 });
  });

  it('lowers the resolution of a larger page until it fits the cap, rounding down so that the cap holds', () => {
    for (const [width, height] of [[1684, 2384], [14_400, 400], [14_400, 690], [3000, 3000], [1191, 8000]] as const) {
      const size = pageRenderSize(width, height, budget)!;
      expect(size.width * size.height, `${width} x ${height} pt`).toBeLessThanOrEqual(budget.maxPagePixels);
      expect(size.width * size.height, `${width} x ${height} pt`).toBeGreaterThan(budget.maxPagePixels * 0.99);
      expect(size.scale).toBeLessThan(150 / 72);
      expect(size.scale).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a page that fits the cap only below the minimum resolution (a 14,400 pt square)', () => {
    expect(pageRenderSize(14_400, 14_400, budget)).toBeUndefined();
    expect(pageRenderSize(14_400, 700, budget)).toBeUndefined(); // 10.08 Mpx at 72 dpi
    expect(pageRenderSize(14_400, 694, budget)).toBeDefined(); // 9.99 Mpx at 72 dpi
    expect(pageTooLargeMessage(3, 14_400, 14_400, budget)).toBe(
      'Page 3 is 14400 x 14400 pt: even at 72 dpi it would be 14400 x 14400 = 207360000 pixels, and at most 10000000 are read per page.',
    );
  });

  it('never returns an empty canvas for a degenerate page', () => {
    expect(pageRenderSize(0, 0, budget)).toMatchObject({ width: 1, height: 1 });
    expect(pageRenderSize(0.1, 14_400, budget)).toMatchObject({ width: 1 });
  });
});

describe('fitPixels', () => {
  it('keeps a size that fits, and scales a larger one down with its aspect ratio', () => {
    expect(fitPixels({ width: 2480, height: 3508 }, 10_000_000)).toEqual({ width: 2480, height: 3508 });
    expect(fitPixels({ width: 6000, height: 4000 }, 6_000_000)).toEqual({ width: 3000, height: 2000 });
    const phone = fitPixels({ width: 4032, height: 3024 }, 10_000_000);
    expect(phone.width * phone.height).toBeLessThanOrEqual(10_000_000);
    expect(phone.width / phone.height).toBeCloseTo(4 / 3, 2);
  });
});
