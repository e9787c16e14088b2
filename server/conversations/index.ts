/**
 * The conversations domain: conversations, their items and projects (OpenAI Conversations shapes, Jan's
 * projects), per-user.
 * Other folders import this domain only through this file.
 */
export { ConversationsService, conversationFromRow } from './conversations-service.js';
export type { ConversationArchive } from './conversations-service.js';
export { itemFromRow, normalizeItem } from './item-content.js';
export { ItemsService } from './items-service.js';
export { ProjectsService } from './projects-service.js';
