import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { SCRIPTED_MODEL_INFO } from '../support/scripted-runtime.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;

describe('models (scripted runtime)', () => {
  let server: ScriptedServer | TestServer;
  afterEach(() => server.close());

  it('lists nothing (not a 404) when no model is installed, and chat says how to add one', async () => {
    server = await startTestServer();
    const list = await server.request('/v1/models', { token });
    expect(list.json).toEqual({ object: 'list', data: [] });
    const chat = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'any', messages: [{ role: 'user', content: 'x' }] } });
    expectError(chat, 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found', message: /Put a GGUF file named 'any\.gguf' in / });
  });

  it('lists every .gguf file with its header metadata, sorted, with load status', async () => {
    server = await startScriptedServer(['b-model', 'a-model']);
    await writeFile(join((server as ScriptedServer).modelsDir, 'notes.txt'), 'not a model');
    const list = await server.request('/v1/models', { token });
    const model = (id: string) => ({
      id, object: 'model', created: expect.any(Number), owned_by: 'local', status: 'unloaded', size_bytes: 16,
      architecture: SCRIPTED_MODEL_INFO.architecture, parameters: SCRIPTED_MODEL_INFO.parameters,
      quantization: SCRIPTED_MODEL_INFO.quantization, context_length: SCRIPTED_MODEL_INFO.contextLength,
    });
    expect(list.json).toEqual({ object: 'list', data: [model('a-model'), model('b-model')] });
    expect((await server.request('/v1/models/b-model', { token })).json).toEqual(model('b-model'));
    expectError(await server.request('/v1/models/zzz', { token }), 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });

  it('lists any file name (spaces included) and finds it by that id', async () => {
    server = await startScriptedServer(['My Model v2']);
    expect((await server.request('/v1/models', { token })).json.data.map((m: { id: string }) => m.id)).toEqual(['My Model v2']);
    expect((await server.request('/v1/models/My%20Model%20v2', { token })).json.id).toBe('My Model v2');
    const chat = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'My Model v2', messages: [{ role: 'user', content: 'x' }] } });
    expect(chat.json.model).toBe('My Model v2');
  });

  it('loads on first use with the configured slots and context; load/unload by hand', async () => {
    server = await startScriptedServer(['m'], { parallel: 3, contextSize: 2048 });
    const s = server as ScriptedServer;
    await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'm', messages: [{ role: 'user', content: 'x' }] } });
    expect(s.runtime.loads).toEqual([{ path: join(s.modelsDir, 'm.gguf'), options: { slots: 3, contextSize: 2048, threads: expect.any(Number) } }]);
    expect((await server.request('/v1/models/m', { token })).json.status).toBe('loaded');
    const unloaded = await server.request('/v1/models/m/unload', { method: 'POST', token });
    expect(unloaded.json.status).toBe('unloaded');
    expect(s.runtime.models[0]!.disposed).toBe(true);
    const loaded = await server.request('/v1/models/m/load', { method: 'POST', token });
    expect(loaded.json.status).toBe('loaded');
    expect(s.runtime.loads).toHaveLength(2);
    const metrics = await scrape(server.url);
    expect(metrics.value('jan_models_loaded')).toBe(1);
    expect(metrics.histogram('jan_model_load_duration_seconds', { model: 'm' })?.count).toBe(2);
  });

  it('keeps at most JAN_MAX_LOADED_MODELS in memory, unloading the least recently used', async () => {
    server = await startScriptedServer(['one', 'two', 'three'], { maxLoadedModels: 2 });
    const s = server as ScriptedServer;
    for (const model of ['one', 'two', 'one', 'three']) {
      const res = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(200);
    }
    const status = (await server.request('/v1/models', { token })).json.data.map((m: { id: string; status: string }) => `${m.id}:${m.status}`);
    expect(status).toEqual(['one:loaded', 'three:loaded', 'two:unloaded']);
    expect(s.runtime.models.map((m) => m.disposed)).toEqual([false, true, false]);
  });

  it('unloads a model left idle for JAN_MODEL_IDLE_TTL_SECONDS', async () => {
    server = await startScriptedServer(['idle'], { modelIdleTtlSeconds: 1 });
    await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'idle', messages: [{ role: 'user', content: 'x' }] } });
    expect((await server.request('/v1/models/idle', { token })).json.status).toBe('loaded');
    const model = (server as ScriptedServer).runtime.models[0]!;
    while (!model.disposed) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await server.request('/v1/models/idle', { token })).json.status).toBe('unloaded');
  });

  it('deletes a model: unloads it and removes the file', async () => {
    server = await startScriptedServer(['gone']);
    await server.request('/v1/models/gone/load', { method: 'POST', token });
    const res = await server.request('/v1/models/gone', { method: 'DELETE', token });
    expect(res.json).toEqual({ id: 'gone', object: 'model', deleted: true });
    expect((await server.request('/v1/models', { token })).json.data).toEqual([]);
    expect((server as ScriptedServer).runtime.models[0]!.disposed).toBe(true);
  });

  it('load, unload, delete and import need an admin credential', async () => {
    server = await startScriptedServer(['m']);
    const guest = await server.guestToken();
    for (const [method, path] of [['POST', '/v1/models/m/load'], ['POST', '/v1/models/m/unload'], ['DELETE', '/v1/models/m'], ['POST', '/v1/models/import']]) {
      const res = await server.request(path!, { method, token: guest, body: method === 'POST' ? {} : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await server.request('/v1/models', { token: guest })).json.data).toHaveLength(1);
  });

  it('a model that fails to load answers 500 model_load_failed with the reason, and the server stays up', async () => {
    server = await startScriptedServer(['broken']);
    (server as ScriptedServer).runtime.loadError = 'unsupported architecture';
    const res = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'broken', messages: [{ role: 'user', content: 'x' }] } });
    expectError(res, 500, { type: 'server_error', code: 'model_load_failed', message: "Could not load the model 'broken': unsupported architecture" });
    expect((await server.request('/healthz')).status).toBe(200);
  });
});

describe('error messages name ids, never server paths', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('an unknown model, and a model file llama.cpp cannot load, answer without the models folder', async () => {
    server = await startTestServer({ gpu: 'off', threads: 1 });
    const { modelsDir, dataDir } = server.config;
    const unknown = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'nope', messages: [{ role: 'user', content: 'x' }] } });
    expectError(unknown, 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found', message: /in the server's models folder/ });
    // A GGUF header that parses, with tensors that are not there: the real runtime fails to load it.
    await mkdir(modelsDir, { recursive: true });
    writeDesignedModel(join(modelsDir, 'cut.gguf'));
    await truncate(join(modelsDir, 'cut.gguf'), 4096);
    const broken = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'cut', messages: [{ role: 'user', content: 'x' }] } });
    expectError(broken, 500, { type: 'server_error', param: null, code: 'model_load_failed', message: /^Could not load the model 'cut'/ });
    for (const res of [unknown, broken]) {
      expect(res.text).not.toContain(modelsDir);
      expect(res.text).not.toContain(dataDir);
    }
  }, 60_000);
});
