/**
 * The response cache: hot reads kept in memory with ETags, dropped by tag when the store announces that
 * their data changed.
 * Other folders import this domain only through this file.
 */
export { ResponseCache, cacheTags } from './response-cache.js';
export type { CacheInvalidator, CachedResponse } from './response-cache.js';
export { invalidateOnStoreChanges, tagsChangedBy } from './store-invalidation.js';
