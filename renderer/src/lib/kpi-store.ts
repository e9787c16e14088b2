/**
 * The live KPI feed's state, kept outside React: the last snapshots (10 minutes at one a second), whether the
 * stream is live, and the window they are computed over. Components read it through `useKpi(selector)`
 * (hooks/use-kpi.tsx, on useSyncExternalStore), so a snapshot re-renders only the components whose selection
 * changed — a panel of database figures stays put while only the request rate moves.
 *
 * Lifecycle: one store per KpiProvider (or per test); it opens no connection itself — the provider feeds it
 * with `push` and `setLive`. State objects are never mutated: every change makes a new one and tells the
 * listeners, which is what useSyncExternalStore relies on.
 */
import type { KpiSnapshot, KpiWindow } from '../api/index.js';

export const KEEP_SNAPSHOTS = 600;

export interface KpiState {
  /** Oldest first, at most `keep` of them; a new array when a snapshot arrives, the same one otherwise. */
  readonly series: readonly KpiSnapshot[];
  /** The newest snapshot (undefined until the first one arrives). */
  readonly latest: KpiSnapshot | undefined;
  readonly live: boolean;
  /** False when the server has no KPI stream (an older server) or the user may not see it. */
  readonly available: boolean;
  readonly window: KpiWindow;
}

export interface KpiStoreOptions {
  series?: readonly KpiSnapshot[];
  live?: boolean;
  available?: boolean;
  window?: KpiWindow;
  /** How many snapshots to keep (default KEEP_SNAPSHOTS). */
  keep?: number;
}

export class KpiStore {
  #state: KpiState;
  readonly #keep: number;
  readonly #listeners = new Set<() => void>();

  constructor(options: KpiStoreOptions = {}) {
    this.#keep = options.keep ?? KEEP_SNAPSHOTS;
    const series = (options.series ?? []).slice(-this.#keep);
    this.#state = { series, latest: series.at(-1), live: options.live ?? false, available: options.available ?? false, window: options.window ?? '1m' };
  }

  // Arrow properties: React receives these functions detached from the store.
  getSnapshot = (): KpiState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  push = (snapshot: KpiSnapshot): void => {
    const { series } = this.#state;
    const kept = series.length >= this.#keep ? series.slice(series.length - this.#keep + 1) : series;
    this.#set({ series: [...kept, snapshot], latest: snapshot });
  };

  setLive = (live: boolean): void => {
    if (live !== this.#state.live) this.#set({ live });
  };

  /** Another window: the kept snapshots were computed over the old one, so they go. */
  setWindow = (window: KpiWindow): void => {
    if (window !== this.#state.window) this.#set({ window, series: [], latest: undefined });
  };

  /** A new stream starts (or none, when `available` is false): the series starts over. */
  restart(available: boolean): void {
    if (available !== this.#state.available || this.#state.series.length > 0) this.#set({ available, series: [], latest: undefined });
  }

  /**
   * A `getSnapshot` for one selection: the selector runs once per state, and a result `isEqual` to the
   * previous one is replaced by the previous one, so React sees no change and does not re-render.
   */
  selection<T>(selector: (state: KpiState) => T, isEqual: (a: T, b: T) => boolean): () => T {
    let last: { state: KpiState; value: T } | undefined;
    return () => {
      const state = this.#state;
      if (last?.state === state) return last.value;
      const value = selector(state);
      last = { state, value: last !== undefined && isEqual(last.value, value) ? last.value : value };
      return last.value;
    };
  }

  #set(change: Partial<KpiState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}

/** Deep equality for what snapshots are made of (JSON: objects, arrays, numbers, strings, booleans, null). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
