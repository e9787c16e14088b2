import { DeletedObject } from '../../api/common.js';
import { Model, ModelImportBody, ModelList, ModelPath } from '../../api/models.js';
import { endpoint } from '../endpoint.js';
import { streamEvents } from '../sse.js';

const tags = ['models'];

export const list = endpoint({
  summary: 'The installed models (an empty list when there are none).', tags, response: ModelList,
  handle: async (_, s) => s.engines.withEngineModels(await s.models.list()), // remote engines' models too
});

export const get = endpoint({
  summary: 'One installed model.', tags, params: ModelPath, response: Model,
  handle: ({ params }, s) => s.engines.modelObject(params.id) ?? s.models.get(params.id),
});

export const load = endpoint({
  summary: 'Load a model into memory now (it is also loaded on first use).', tags, access: 'admin',
  params: ModelPath, response: Model, timeoutMs: 60_000,
  handle: ({ params }, s) => s.models.load(params.id),
});

export const unload = endpoint({
  summary: 'Unload a model (after the generations running on it finish).', tags, access: 'admin',
  params: ModelPath, response: Model, timeoutMs: 60_000,
  handle: ({ params }, s) => s.models.unload(params.id),
});

export const remove = endpoint({
  summary: 'Unload a model and delete its file.', tags, access: 'admin',
  params: ModelPath, response: DeletedObject('model'), timeoutMs: 60_000,
  handle: ({ params }, s) => s.models.delete(params.id),
});

export const importModel = endpoint({
  summary: 'Import a GGUF file from a local path or an http(s) URL (resumable; progress as events with `stream: true`).',
  tags, access: 'admin', body: ModelImportBody, response: Model, timeoutMs: 60_000,
  async handle({ body, ctx }, s) {
    const started = await s.models.beginImport(body);
    if (!body.stream) return started.run(ctx.state.signal);
    streamEvents(ctx, async (send) => {
      const model = await started.run(ctx.state.signal, (p) =>
        send({ type: 'import.progress', received_bytes: p.receivedBytes, total_bytes: p.totalBytes }, 'import.progress'),
      );
      send({ type: 'import.completed', model }, 'import.completed');
    }, { metrics: s.metrics, logger: s.logger, onStorageFull: () => s.diskSpace.reportFull() });
    return undefined;
  },
});
