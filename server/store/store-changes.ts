/**
 * The store's change feed: every repository write announces what it changed, and whoever keeps copies of
 * the data (the response cache; later a Redis bridge to other replicas) subscribes. A new write path goes
 * through a repository and so announces by itself; nothing above the store calls an invalidation by hand.
 *
 * Timing rules:
 * - A change is published only once it is committed: a write outside a transaction right after its
 *   statement; a write inside `Store.transaction` when the outermost transaction commits. A transaction or
 *   savepoint that rolls back publishes nothing of what it wrote (its changes are dropped with it).
 * - Publishing follows the commit in the same continuation; on another replica the announcement arrives
 *   through the Redis bridge, a little later.
 * - Changes within one transaction are de-duplicated (500 items into one conversation announce once).
 * - Listeners must not throw; if one does, the others still run and the first error is rethrown to the
 *   writer (after the commit, which stands).
 *
 * One feed per store instance (no module state), so tests can run many isolated stores in one process.
 */
import { ScopedContext } from './scoped-context.js';

/** What a write changed, named by owner and id; subscribers decide what depends on it. */
export type StoreChange =
  /** The conversation itself: created, updated, touched, deleted, archived or restored (also what lists show of it). */
  | { entity: 'conversation'; userId: string; id: string }
  /** The conversation's items: added or deleted. */
  | { entity: 'conversation-items'; userId: string; conversationId: string }
  /** A project: created, updated or deleted. */
  | { entity: 'project'; userId: string; id: string };

export type StoreChangeListener = (change: StoreChange) => void;

/** The side subscribers see. */
export interface StoreChanges {
  /** Calls `listener` with every committed change; returns the unsubscribe function. */
  subscribe(listener: StoreChangeListener): () => void;
}

function keyOf(change: StoreChange): string {
  return change.entity === 'conversation-items'
    ? `${change.entity}\u0000${change.userId}\u0000${change.conversationId}`
    : `${change.entity}\u0000${change.userId}\u0000${change.id}`;
}

export class ChangeFeed implements StoreChanges {
  private readonly listeners = new Set<StoreChangeListener>();
  /**
   * The open transaction's changes, one frame per nesting level (savepoint), innermost last. Kept in async
   * context, not on the instance: with PostgreSQL several transactions are open at once, each on its own client.
   */
  private readonly frames = new ScopedContext<ReadonlyArray<Map<string, StoreChange>>>();

  subscribe(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while the caller runs inside a transaction opened through `transaction()`. */
  get inTransaction(): boolean {
    return (this.frames.get()?.length ?? 0) > 0;
  }

  /** Called by a repository after a statement that changed something. */
  announce(change: StoreChange): void {
    const frame = this.frames.get()?.at(-1);
    if (frame) frame.set(keyOf(change), change);
    else this.publish([change]);
  }

  /**
   * Runs `run` (which opens a transaction or, nested, a savepoint) and publishes what it announced once
   * the outermost level commits; a level that throws is rolled back by the database, and its changes are dropped.
   */
  async transaction<T>(run: () => Promise<T>): Promise<T> {
    const outer = this.frames.get() ?? [];
    const frame = new Map<string, StoreChange>();
    const result = await this.frames.run([...outer, frame], run);
    const parent = outer.at(-1);
    if (parent) for (const [key, change] of frame) parent.set(key, change);
    else this.publish(frame.values());
    return result;
  }

  private publish(changes: Iterable<StoreChange>): void {
    let failure: { error: unknown } | undefined;
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (failure) throw failure.error;
  }
}

/** How a repository announces a change (given to it by the Store). */
export type AnnounceChange = (change: StoreChange) => void;
