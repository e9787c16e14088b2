import { EmbeddingBody, EmbeddingList } from '../../api/embeddings.js';
import { endpoint } from '../endpoint.js';
import { sendEngineReply } from '../engine-reply.js';

export const create = endpoint({
  summary: 'Embed one or more texts.', tags: ['inference'],
  body: EmbeddingBody, response: EmbeddingList, timeoutMs: 60_000,
  async handle({ body, ctx }, s) {
    const remote = await s.engines.forward('embeddings', body, ctx.state.signal); // a remote engine's model
    return remote ? sendEngineReply(ctx, remote, s) : s.embeddings.create(body, ctx.state.signal);
  },
});
