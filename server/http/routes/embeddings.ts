import { EmbeddingBody, EmbeddingList } from '../../api/embeddings.js';
import { endpoint } from '../endpoint.js';

export const create = endpoint({
  summary: 'Embed one or more texts.', tags: ['inference'],
  body: EmbeddingBody, response: EmbeddingList, timeoutMs: 60_000,
  handle: ({ body, ctx }, s) => s.embeddings.create(body, ctx.state.signal),
});
