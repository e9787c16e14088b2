/**
 * In-process cache of serialized responses for the hot reads, bounded in bytes (lru-cache: least recently
 * used first out). Each entry carries tags naming what it was computed from (a user's conversation list, one
 * conversation). Writes invalidate those tags in the same synchronous step as their commit, so no reader can
 * see a stale entry after the write is acknowledged: the store announces every committed change and
 * store-invalidation.ts maps it to tags (nothing above the store invalidates by hand).
 *
 * The race a read-through cache must close: a read computes its answer, a write commits and invalidates,
 * then the read stores its (old) answer. Every fill therefore starts with `begin()` before it reads, and
 * `fill()` refuses to store when any of its tags was invalidated since. Invalidation times are only kept
 * while fills are pending, and the history is bounded (past `MAX_HISTORY` tags every pending fill is
 * refused instead), so memory stays flat.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics/create-metrics.js';

export interface CachedResponse {
  body: string;
  /** Weak validator (`W/"…"`): the same JSON may travel gzip- or brotli-encoded. */
  etag: string;
}

interface Entry extends CachedResponse {
  tags: readonly string[];
}

export interface FillToken {
  readonly start: number;
}

/** What a write must invalidate; the store's change feed drives it (store-invalidation.ts). */
export interface CacheInvalidator {
  invalidate(...tags: string[]): void;
}

export const cacheTags = {
  /** Every list of the user's conversations (any page, order or project filter). */
  conversationList: (userId: string) => `conversations:${userId}`,
  /** The conversation and everything read through it (its items). */
  conversation: (userId: string, conversationId: string) => `conversation:${userId}:${conversationId}`,
};

export interface ResponseCacheOptions {
  maxBytes: number;
  /** Label of the cache in the metrics (`jan_cache_hit_ratio{cache=…}`). */
  name?: string;
  metrics?: Pick<Metrics, 'cacheLookups' | 'cacheEvictions' | 'cacheInvalidations' | 'cacheBytes'>;
}

const MAX_HISTORY = 10_000;
/** Bookkeeping per entry beyond the body and key (object, tag index, LRU links), roughly. */
const ENTRY_OVERHEAD = 256;

export function etagOf(body: string): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

export class ResponseCache implements CacheInvalidator {
  private lru: LRUCache<string, Entry> | undefined;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly invalidatedAt = new Map<string, number>();
  private readonly pending = new Set<FillToken>();
  private clock = 0;
  /** Set while other replicas' invalidations cannot reach this cache (`suspend`). */
  private suspended = false;
  /** Fills that began before this are refused (the invalidation history was cut). */
  private floor = 0;
  private readonly name: string;

  constructor(private readonly options: ResponseCacheOptions) {
    this.name = options.name ?? 'http';
    this.lru = this.makeLru(options.maxBytes);
  }

  /**
   * A new size from Settings, applied at once: the cache starts empty at the new size (0 turns it off), and a
   * fill that began before is refused (invalidations were not recorded while the cache was off).
   */
  resize(maxBytes: number): void {
    this.lru?.clear();
    this.byTag.clear();
    this.floor = ++this.clock;
    this.lru = this.makeLru(maxBytes);
    this.updateBytes();
  }

  /**
   * Replicas: while the channel that carries the other replicas' invalidations is down (server/cluster/), a
   * cached copy could outlive a write made elsewhere, so the cache empties and answers and stores nothing
   * until `resume()`, which starts it empty (what was missed is unknown). A fill begun before either is refused.
   */
  suspend(): void {
    this.suspended = true;
    this.resize(this.lru?.maxSize ?? 0);
  }

  resume(): void {
    this.suspended = false;
    this.resize(this.lru?.maxSize ?? 0);
  }

  /** True while other replicas' invalidations cannot reach it (it answers and stores nothing). */
  get isSuspended(): boolean {
    return this.suspended;
  }

  private makeLru(maxBytes: number): LRUCache<string, Entry> | undefined {
    if (maxBytes <= 0) return undefined;
    return new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => entry.body.length + key.length + ENTRY_OVERHEAD,
      dispose: (entry, key, reason) => {
        this.unindex(key, entry.tags);
        if (reason === 'evict') this.options.metrics?.cacheEvictions.inc({ cache: this.name });
      },
    });
  }

  /** Configured on (a size above 0); it may still be suspended for a while (`suspend`). */
  get enabled(): boolean {
    return this.lru !== undefined;
  }

  get entries(): number {
    return this.lru?.size ?? 0;
  }

  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  /** The cached response, counted as a hit or a miss. */
  lookup(key: string): CachedResponse | undefined {
    if (!this.lru || this.suspended) return undefined;
    const entry = this.lru.get(key);
    this.options.metrics?.cacheLookups.inc({ cache: this.name, result: entry ? 'hit' : 'miss' });
    return entry;
  }

  /** Call before reading what will be cached; pass the token to `fill` or `abandon`. */
  begin(): FillToken {
    const token = { start: this.clock };
    this.pending.add(token);
    return token;
  }

  /** Stores the response unless one of its tags was written since `begin()`; returns it with its ETag either way. */
  fill(token: FillToken, key: string, tags: readonly string[], body: string): CachedResponse {
    const response = { body, etag: etagOf(body) };
    if (this.lru && !this.suspended && this.pending.has(token) && this.unchangedSince(token, tags)) {
      this.lru.set(key, { ...response, tags });
      // An entry larger than the whole cache is not stored; index only what is.
      for (const tag of this.lru.has(key) ? tags : []) {
        let keys = this.byTag.get(tag);
        if (!keys) this.byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
      this.updateBytes();
    }
    this.abandon(token);
    return response;
  }

  abandon(token: FillToken): void {
    this.pending.delete(token);
    if (this.pending.size === 0) this.invalidatedAt.clear();
  }

  invalidate(...tags: string[]): void {
    if (!this.lru) return;
    this.clock++;
    for (const tag of tags) {
      if (this.pending.size > 0) this.recordInvalidation(tag);
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) {
        if (this.lru.delete(key)) this.options.metrics?.cacheInvalidations.inc({ cache: this.name });
      }
    }
    this.updateBytes();
  }

  private recordInvalidation(tag: string): void {
    if (this.invalidatedAt.size >= MAX_HISTORY) {
      this.invalidatedAt.clear();
      this.floor = this.clock;
    }
    this.invalidatedAt.set(tag, this.clock);
  }

  private unchangedSince(token: FillToken, tags: readonly string[]): boolean {
    if (token.start < this.floor) return false;
    return tags.every((tag) => (this.invalidatedAt.get(tag) ?? -1) <= token.start);
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }

  private updateBytes(): void {
    this.options.metrics?.cacheBytes.set({ cache: this.name }, this.bytes);
  }
}
