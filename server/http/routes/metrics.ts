import { endpoint } from '../endpoint.js';

export const exposition = endpoint({
  summary: 'Prometheus metrics (text format).', tags: ['metrics'], access: 'public',
  handle: async ({ ctx }, s) => {
    ctx.type = s.metrics.registry.contentType;
    ctx.body = await s.metrics.registry.metrics();
    return undefined;
  },
});
