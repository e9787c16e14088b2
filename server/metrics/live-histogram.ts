/**
 * HDR histograms (hdr-histogram-js) as the live windows use them: values are integer microseconds, kept to
 * 2 significant digits (a reported percentile is the top of its bucket: at most 1/128 ≈ 0.8 % above the true
 * value, exact below 256 µs), from 1 µs to 10 minutes. A dense histogram of this layout is 3,072 Int32
 * counts (≈13 KB); a closed time slot is kept as a sparse copy of its non-zero buckets only.
 */
import { Int32Histogram } from 'hdr-histogram-js';

/** Longer values (a dashboard stream open for an hour) count as 10 minutes; exact maxima are kept apart. */
export const MAX_TRACKABLE_MICROS = 600_000_000;
const SIGNIFICANT_DIGITS = 2;

export type Histogram = Int32Histogram;

export function newHistogram(): Histogram {
  return new Int32Histogram(1, MAX_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
}

/** Seconds to the histogram's unit (integer µs, at least 1, at most the trackable maximum). */
export function toMicros(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 1;
  return Math.min(MAX_TRACKABLE_MICROS, Math.max(1, Math.round(seconds * 1e6)));
}

/** The non-zero buckets of a histogram: what a closed time slot keeps (6 bytes a bucket). */
export interface SparseCounts {
  readonly indexes: Uint16Array;
  readonly counts: Uint32Array;
  readonly total: number;
}

export const EMPTY_SPARSE: SparseCounts = { indexes: new Uint16Array(0), counts: new Uint32Array(0), total: 0 };

export function toSparse(histogram: Histogram): SparseCounts {
  if (histogram.totalCount === 0) return EMPTY_SPARSE;
  const indexes: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count > 0) {
      indexes.push(i);
      counts.push(count);
    }
  }
  return { indexes: Uint16Array.from(indexes), counts: Uint32Array.from(counts), total: histogram.totalCount };
}

/** Adds (sign 1) or removes (sign -1) a slot's counts; only the counts and the total are kept in step. */
export function addSparse(histogram: Histogram, sparse: SparseCounts, sign: 1 | -1): void {
  for (let i = 0; i < sparse.indexes.length; i++) histogram.addToCountAtIndex(sparse.indexes[i]!, sign * sparse.counts[i]!);
  histogram.setTotalCount(histogram.totalCount + sign * sparse.total);
}

/** Adds every count of `from` into `into` (both of this module's layout). */
export function addDense(into: Histogram, from: Histogram): void {
  if (from.totalCount === 0) return;
  for (let i = 0; i < from.countsArrayLength; i++) {
    const count = from.getCountAtIndex(i);
    if (count > 0) into.addToCountAtIndex(i, count);
  }
  into.setTotalCount(into.totalCount + from.totalCount);
}

/** Percentiles in µs (nearest rank, top of the bucket), or null for an empty histogram. */
export function percentilesMicros(histogram: Histogram, percentiles: readonly number[]): (number | null)[] {
  if (histogram.totalCount === 0) return percentiles.map(() => null);
  return percentiles.map((p) => histogram.getValueAtPercentile(p));
}

/**
 * Counts per upper bound (µs, ascending; a final +Inf bucket is added). A bucket goes by its lowest value,
 * so a value within 0.8 % above a bound may be counted below it.
 */
export function bucketCounts(histogram: Histogram, boundsMicros: readonly number[]): number[] {
  const out: number[] = new Array<number>(boundsMicros.length + 1).fill(0);
  if (histogram.totalCount === 0) return out;
  let bucket = 0;
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    const value = histogram.valueFromIndex(i);
    while (bucket < boundsMicros.length && value > boundsMicros[bucket]!) bucket++;
    out[bucket]! += count;
  }
  return out;
}

/** Names this module's histogram layout; stored beside encoded counts so that another layout is never misread. */
export const HISTOGRAM_LAYOUT = `hdr-int32-us-1-${MAX_TRACKABLE_MICROS}-${SIGNIFICANT_DIGITS}`;

/** Bytes: bucket count (u32), then the indexes (u16 each), then the counts (u32 each), little-endian. */
export function encodeSparse(sparse: SparseCounts): Buffer {
  const n = sparse.indexes.length;
  const out = Buffer.alloc(4 + n * 6);
  out.writeUInt32LE(n, 0);
  for (let i = 0; i < n; i++) {
    out.writeUInt16LE(sparse.indexes[i]!, 4 + i * 2);
    out.writeUInt32LE(sparse.counts[i]!, 4 + n * 2 + i * 4);
  }
  return out;
}

/** The inverse of `encodeSparse`; throws on a truncated or inconsistent buffer. */
export function decodeSparse(bytes: Uint8Array): SparseCounts {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buffer.length >= 4 ? buffer.readUInt32LE(0) : -1;
  if (n < 0 || buffer.length !== 4 + n * 6) throw new Error('malformed histogram counts');
  const indexes = new Uint16Array(n);
  const counts = new Uint32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    indexes[i] = buffer.readUInt16LE(4 + i * 2);
    counts[i] = buffer.readUInt32LE(4 + n * 2 + i * 4);
    total += counts[i]!;
  }
  return { indexes, counts, total };
}
