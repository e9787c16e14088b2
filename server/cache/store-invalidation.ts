/**
 * Declared invalidation: the response cache follows the store's change feed instead of being told by each
 * write path. The store announces what a write changed once it is committed (server/store/store-changes.ts);
 * this file says which cached responses depend on it. A new write path through the repositories therefore
 * needs no cache code, and cannot forget it.
 */
import type { StoreChange, StoreChanges } from '../store/store-changes.js';
import { cacheTags, type CacheInvalidator } from './response-cache.js';

/** The tags of the cached responses computed from what the change touched. */
export function tagsChangedBy(change: StoreChange): string[] {
  switch (change.entity) {
    // The conversation's own responses, and every list of the user's (they show its title, metadata,
    // updated_at, and the total).
    case 'conversation':
      return [cacheTags.conversationList(change.userId), cacheTags.conversation(change.userId, change.id)];
    // Items are read through their conversation's tag; lists show no items (adding or deleting one also
    // touches the conversation, which announces itself).
    case 'conversation-items':
      return [cacheTags.conversation(change.userId, change.conversationId)];
    // No cached route reads projects: conversations carry a project_id, not the project.
    case 'project':
      return [];
  }
}

/** Drops the cached responses that each committed change made stale; returns the unsubscribe function. */
export function invalidateOnStoreChanges(cache: CacheInvalidator, changes: StoreChanges): () => void {
  return changes.subscribe((change) => {
    const tags = tagsChangedBy(change);
    if (tags.length > 0) cache.invalidate(...tags);
  });
}
