/**
 * Remote inference engines (`GET /v1/admin/engines`, admin only), typed from the server's zod schema
 * (server/api/engines.ts; type-only import). Through the app's one `Http`.
 */
import type { EngineStatus as EngineStatusSchema, EngineStatusList as EngineStatusListSchema } from '../../../server/api/engines.js';
import type { Api } from './index.js';

export type EngineStatus = EngineStatusSchema;
export type EngineStatusList = EngineStatusListSchema;

export const engineKeys = { list: ['engines'] as const };

export const listEngines = (api: Api) => api.http.json<EngineStatusList>('GET', '/v1/admin/engines');
