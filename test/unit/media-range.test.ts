import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { parseRange } from '../../server/http/range-header.js';

describe('parseRange', () => {
  it('reads first-last, open-ended and suffix ranges, clamped to the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
  });

  it('ignores what it does not serve: several ranges, other units, malformed or reversed ranges', () => {
    for (const header of ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc', 'bytes=-', 'bytes=9-3']) expect(parseRange(header, 100)).toBeUndefined();
  });

  it('answers 416 with Content-Range for a range past the end', () => {
    let error: unknown;
    try {
      parseRange('bytes=100-', 100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 416, code: 'range_not_satisfiable', headers: { 'Content-Range': 'bytes */100' } });
    expect(() => parseRange('bytes=-0', 100)).toThrow(AppError);
  });
});
