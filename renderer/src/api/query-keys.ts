/**
 * Every TanStack Query key of the dashboard, in one place. Keys are prefixes of one another where one
 * invalidation must reach several queries: `conversations.lists` refreshes the chat's list and the
 * Conversations page together after a conversation is created, renamed or deleted.
 */
import type { KpiWindow } from './types.js';

export const queryKeys = {
  /** Who is logged in, what the server offers and its version: the app's first call. */
  session: ['session'] as const,
  me: ['me'] as const,
  /** `/v1/health`, polled for the sidebar's status badge. */
  health: ['health'] as const,
  apiKeys: ['api-keys'] as const,
  lan: ['lan'] as const,
  models: ['models'] as const,
  mediaFiles: ['media-files'] as const,
  conversations: {
    /** Every list and every conversation's items. */
    all: ['conversations'] as const,
    /** Both lists below. */
    lists: ['conversations', 'list'] as const,
    /** The newest 100, for the chat's side list. */
    recent: ['conversations', 'list', 'recent'] as const,
    /** Every page, for the Conversations page's search. */
    everything: ['conversations', 'list', 'everything'] as const,
    items: (conversationId: string) => ['conversations', 'items', conversationId] as const,
  },
  sla: (window: KpiWindow) => ['sla', window] as const,
  metricsHistory: (hours: number) => ['metrics-history', hours] as const,
};
