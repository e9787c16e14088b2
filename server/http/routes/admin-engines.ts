import { EngineStatusList } from '../../api/engines.js';
import { endpoint } from '../endpoint.js';

export const list = endpoint({
  summary: 'The remote inference engines (JAN_ENGINES): health, requests in flight, models, last error and check latency. Keys are never shown.',
  tags: ['admin'], access: 'admin', response: EngineStatusList,
  handle: (_, s) => s.engines.status(),
});
