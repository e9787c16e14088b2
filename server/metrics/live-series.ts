/**
 * One sliding-window latency series (one route, or one kind of database operation): exact counts and
 * HDR-histogram percentiles over the last 1 minute, 5 minutes and 1 hour, and per clock hour for rollups.
 *
 * How: observations go into the current second (a dense histogram). When the second ends it is frozen
 * into a sparse slot and handed to each window: the 1m window keeps 60 one-second slots, the 5m window 60
 * five-second slots, the 1h window 60 one-minute slots (a window spans its slots, the newest partly). Each
 * window keeps a running sum of its closed slots, so a read merges three dense histograms instead of
 * hundreds of slots. The current clock hour accumulates apart; the previous one stays frozen for an hour
 * so that its rollup can be written complete.
 *
 * Time only moves through the `nowMs` arguments (no timers here): tests drive it with an injected clock.
 * A clock going backwards keeps recording into the current second.
 *
 * Memory per series: 7 dense histograms (≈93 KB) plus 6 bytes per non-zero bucket of each kept slot
 * (180 slots and one frozen hour, each at most 3,072 buckets and never more buckets than observations).
 */
import { addDense, addSparse, newHistogram, toSparse, type Histogram, type SparseCounts } from './live-histogram.js';

export type WindowName = '1m' | '5m' | '1h';

export interface SlotStats {
  count: number;
  sumMicros: number;
  maxMicros: number;
  errors4xx: number;
  errors5xx: number;
  /** Most observations in any one second. */
  peakPerSecond: number;
  /** Observations by HTTP status (empty for database series). */
  statuses: Map<number, number>;
}

interface ClosedSlot {
  stats: SlotStats;
  counts: SparseCounts;
}

export interface WindowRead {
  stats: SlotStats;
  /** How much time the window spans now (its slots, the current one partly), in milliseconds. */
  spanMs: number;
}

function emptyStats(): SlotStats {
  return { count: 0, sumMicros: 0, maxMicros: 0, errors4xx: 0, errors5xx: 0, peakPerSecond: 0, statuses: new Map() };
}

function mergeStats(into: SlotStats, from: SlotStats, sign: 1 | -1): void {
  into.count += sign * from.count;
  into.sumMicros += sign * from.sumMicros;
  into.errors4xx += sign * from.errors4xx;
  into.errors5xx += sign * from.errors5xx;
  for (const [status, n] of from.statuses) {
    const next = (into.statuses.get(status) ?? 0) + sign * n;
    if (next === 0) into.statuses.delete(status);
    else into.statuses.set(status, next);
  }
  // Maxima cannot be subtracted: running window sums recompute them from their slots when read.
  if (sign === 1) {
    into.maxMicros = Math.max(into.maxMicros, from.maxMicros);
    into.peakPerSecond = Math.max(into.peakPerSecond, from.peakPerSecond);
  }
}

/** A dense histogram plus additive stats. */
export class Accumulator {
  readonly histogram: Histogram = newHistogram();
  stats: SlotStats = emptyStats();

  addSlot(slot: ClosedSlot, sign: 1 | -1 = 1): void {
    addSparse(this.histogram, slot.counts, sign);
    mergeStats(this.stats, slot.stats, sign);
  }

  addAccumulator(other: Accumulator): void {
    addDense(this.histogram, other.histogram);
    mergeStats(this.stats, other.stats, 1);
  }

  freeze(): ClosedSlot {
    return { stats: { ...this.stats, statuses: new Map(this.stats.statuses) }, counts: toSparse(this.histogram) };
  }

  reset(): void {
    this.histogram.reset();
    this.stats = emptyStats();
  }
}

/** Slots stamped with their number (second or minute since the epoch); a stale stamp reads as empty. */
class SlotRing {
  private readonly stamps: Float64Array;
  private readonly slots: (ClosedSlot | undefined)[];

  constructor(private readonly size: number) {
    this.stamps = new Float64Array(size).fill(-1);
    this.slots = new Array<ClosedSlot | undefined>(size);
  }

  put(n: number, slot: ClosedSlot): void {
    this.stamps[n % this.size] = n;
    this.slots[n % this.size] = slot;
  }

  get(n: number): ClosedSlot | undefined {
    return this.stamps[n % this.size] === n ? this.slots[n % this.size] : undefined;
  }
}

/**
 * One window: `slots` time slots of `slotSeconds` each. Closed seconds fill the slot in progress; a closed
 * slot is kept sparse and counted in the running sum until it leaves the window.
 */
class Level {
  /** Closed seconds of the slot in progress (1-s slots close at once and need none). */
  private readonly filling: Accumulator | undefined;
  /** The closed slots still inside the window. */
  private readonly sum = new Accumulator();
  private readonly ring: SlotRing;
  private slot: number;

  constructor(private readonly slotSeconds: number, private readonly slots: number, second: number) {
    this.filling = slotSeconds > 1 ? new Accumulator() : undefined;
    this.ring = new SlotRing(slots);
    this.slot = Math.floor(second / slotSeconds);
  }

  addSecond(second: number, closed: ClosedSlot): void {
    if (!this.filling) {
      this.ring.put(second, closed);
      this.sum.addSlot(closed);
    } else {
      this.filling.addSlot(closed);
    }
  }

  /** Moves on to the slot holding `second`: closes the one in progress, expires those now outside the window. */
  moveTo(second: number): void {
    const target = Math.floor(second / this.slotSeconds);
    if (target <= this.slot) return;
    if (this.filling && this.filling.stats.count > 0) {
      const closed = this.filling.freeze();
      this.ring.put(this.slot, closed);
      this.sum.addSlot(closed);
      this.filling.reset();
    }
    // The sum holds slots (target - slots, target): the one now filling and slots - 1 closed ones.
    if (target - this.slot >= this.slots) {
      this.sum.reset();
    } else {
      for (let n = this.slot - this.slots + 1; n <= target - this.slots; n++) {
        const expired = this.ring.get(n);
        if (expired) this.sum.addSlot(expired, -1);
      }
    }
    this.slot = target;
  }

  /** Adds the window (but the current second) into `into`; returns the span and the slots' maxima. */
  readInto(into: Accumulator, nowMs: number): { spanMs: number; maxMicros: number; peak: number } {
    into.addAccumulator(this.sum);
    let maxMicros = 0;
    let peak = 0;
    if (this.filling) {
      into.addAccumulator(this.filling);
      maxMicros = this.filling.stats.maxMicros;
      peak = this.filling.stats.peakPerSecond;
    }
    for (let n = this.slot - this.slots + 1; n < this.slot; n++) {
      const slot = this.ring.get(n);
      if (!slot) continue;
      maxMicros = Math.max(maxMicros, slot.stats.maxMicros);
      peak = Math.max(peak, slot.stats.peakPerSecond);
    }
    const slotMs = this.slotSeconds * 1000;
    return { spanMs: (this.slots - 1) * slotMs + Math.max(0, nowMs - this.slot * slotMs), maxMicros, peak };
  }
}

const HOUR_SECONDS = 3_600;

export class LatencySeries {
  private second: number;
  private readonly tick = new Accumulator();
  private readonly levels: Record<WindowName, Level>;
  /** Closed seconds of the current clock hour, and the previous hour frozen (kept until the next one ends). */
  private readonly hour = new Accumulator();
  private hourNo: number;
  private previousHour: { hourNo: number; slot: ClosedSlot } | undefined;
  private lastActivityMs: number;

  constructor(nowMs: number) {
    this.second = Math.floor(nowMs / 1000);
    this.hourNo = Math.floor(this.second / HOUR_SECONDS);
    this.levels = { '1m': new Level(1, 60, this.second), '5m': new Level(5, 60, this.second), '1h': new Level(60, 60, this.second) };
    this.lastActivityMs = nowMs;
  }

  /** One observation; `status` 0 means "not an HTTP request" (no status or error counting). */
  record(micros: number, status: number, nowMs: number): void {
    this.advance(nowMs);
    if (nowMs > this.lastActivityMs) this.lastActivityMs = nowMs;
    const stats = this.tick.stats;
    this.tick.histogram.recordValue(micros);
    stats.count++;
    stats.sumMicros += micros;
    if (micros > stats.maxMicros) stats.maxMicros = micros;
    stats.peakPerSecond = stats.count;
    if (status === 0) return;
    if (status >= 500) stats.errors5xx++;
    else if (status >= 400) stats.errors4xx++;
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
  }

  /** True when nothing was observed for longer than every window and rollup keeps (the series can go). */
  idleSince(nowMs: number): boolean {
    return nowMs - this.lastActivityMs > 2 * HOUR_SECONDS * 1000;
  }

  /** The window ending now; `into` receives the merged histogram (it is reset first). */
  read(window: WindowName, nowMs: number, into: Accumulator): WindowRead {
    this.advance(nowMs);
    into.reset();
    const { spanMs, maxMicros, peak } = this.levels[window].readInto(into, nowMs);
    into.addAccumulator(this.tick);
    into.stats.maxMicros = Math.max(maxMicros, this.tick.stats.maxMicros);
    into.stats.peakPerSecond = Math.max(peak, this.tick.stats.count);
    return { stats: into.stats, spanMs };
  }

  /** Everything observed in the clock hour starting at `hourStartMs`, if it is the current or the previous one. */
  readHour(hourStartMs: number, nowMs: number, into: Accumulator): SlotStats {
    this.advance(nowMs);
    into.reset();
    const wanted = Math.floor(hourStartMs / (HOUR_SECONDS * 1000));
    if (wanted === this.hourNo) {
      into.addAccumulator(this.hour);
      into.addAccumulator(this.tick);
    } else if (wanted === this.previousHour?.hourNo) {
      into.addSlot(this.previousHour.slot);
    }
    return into.stats;
  }

  private advance(nowMs: number): void {
    const target = Math.floor(nowMs / 1000);
    if (target <= this.second) return;
    if (this.tick.stats.count > 0) {
      const closed = this.tick.freeze();
      for (const level of Object.values(this.levels)) level.addSecond(this.second, closed);
      this.hour.addSlot(closed);
      this.tick.reset();
    }
    for (const level of Object.values(this.levels)) level.moveTo(target);
    const targetHour = Math.floor(target / HOUR_SECONDS);
    if (targetHour !== this.hourNo) {
      this.previousHour = this.hour.stats.count > 0 ? { hourNo: this.hourNo, slot: this.hour.freeze() } : undefined;
      this.hour.reset();
      this.hourNo = targetHour;
    }
    this.second = target;
  }
}
