/**
 * Response shapes, taken from the server's zod schemas (type-only imports: nothing of zod reaches the bundle).
 * Where the server has no schema yet, the shape is written here and says so.
 */
import type { z } from 'zod';
import type { ApiKeyCreated, ApiKeyInfo, ApiKeyList, Me, SessionInfo } from '../../../server/api/auth.js';
import type { Conversation, ConversationList } from '../../../server/api/conversations.js';
import type { Health } from '../../../server/api/health.js';
import type { Item, ItemInput, ItemList } from '../../../server/api/items.js';
import type { KpiSnapshot, KpiWindow, MetricsHistory, SlaReport } from '../../../server/api/kpi.js';
import type { LanStatus } from '../../../server/api/lan.js';
import type { ExtractTextResult, MediaFile, MediaFileList } from '../../../server/api/media.js';
import type { Model, ModelList } from '../../../server/api/models.js';

export type { ApiKeyInfo, Conversation, ExtractTextResult, Health, Item, ItemInput, KpiSnapshot, KpiWindow, LanStatus, MediaFile, MetricsHistory, SlaReport };
export type ModelEntry = z.infer<typeof Model>;
export type ModelList = z.infer<typeof ModelList>;
export type MediaFileList = z.infer<typeof MediaFileList>;
export type Me = z.infer<typeof Me>;
export type SessionInfo = z.infer<typeof SessionInfo>;
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
export type ApiKeyList = z.infer<typeof ApiKeyList>;
export type ConversationList = z.infer<typeof ConversationList>;
export type ItemList = z.infer<typeof ItemList>;
export type RouteKpi = KpiSnapshot['routes'][number];
export type SlaEndpoint = SlaReport['endpoints'][number];
