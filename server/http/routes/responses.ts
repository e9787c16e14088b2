import { DeletedObject } from '../../api/common.js';
import { InputItemList, InputItemsQuery, ResponseCreateBody, ResponseObject, ResponsePath } from '../../api/responses.js';
import { endpoint } from '../endpoint.js';
import { sendEngineReply } from '../engine-reply.js';
import { streamEvents } from '../sse.js';

const tags = ['responses'];

export const create = endpoint({
  summary: 'Create a model response (JSON, or `response.*` server-sent events with `stream: true`).', tags,
  body: ResponseCreateBody, response: ResponseObject, timeoutMs: 60_000,
  async handle({ body, principal, ctx }, s) {
    // A remote engine's model: the engine answers and keeps the response (GET /v1/responses/{id} is the engine's).
    const remote = await s.engines.forward('responses', body, ctx.state.signal);
    if (remote) return sendEngineReply(ctx, remote, s);
    if (!body.stream) return s.responses.create(principal.userId, body, ctx.state.signal);
    const produce = await s.responses.stream(principal.userId, body, ctx.state.signal);
    streamEvents(ctx, produce, { metrics: s.metrics, logger: s.logger, onStorageFull: () => s.diskSpace.reportFull() });
    return undefined;
  },
});

export const get = endpoint({
  summary: 'Get a stored response.', tags, params: ResponsePath, response: ResponseObject,
  handle: ({ principal, params }, s) => s.responses.get(principal.userId, params.id),
});

export const remove = endpoint({
  summary: 'Delete a stored response.', tags, params: ResponsePath, response: DeletedObject('response'),
  handle: ({ principal, params }, s) => s.responses.delete(principal.userId, params.id),
});

export const inputItems = endpoint({
  summary: 'List the input items of a stored response.', tags, params: ResponsePath, query: InputItemsQuery, response: InputItemList,
  handle: ({ principal, params, query }, s) => s.responses.inputItems(principal.userId, params.id, query),
});
