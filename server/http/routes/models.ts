import { z } from 'zod';
import { endpoint } from '../endpoint.js';

const tags = ['models'];
const Model = z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() });

export const list = endpoint({
  summary: 'The installed models (an empty list when there are none).', tags,
  response: z.object({ object: z.literal('list'), data: z.array(Model) }),
  handle: (_, s) => s.models.list(),
});

export const get = endpoint({
  summary: 'One installed model.', tags, params: z.object({ id: z.string().min(1).max(512) }), response: Model,
  handle: ({ params }, s) => s.models.get(params.id),
});
