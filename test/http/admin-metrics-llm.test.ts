/**
 * The snapshot's LLM and cache figures come from the registry the inference code fills: after two chat
 * completions on the scripted runtime, the model is listed as loaded and time to first token, speed and
 * tokens generated are there; before any, they are null or zero (never made up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSnapshot } from '../../server/api/kpi.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { DEFAULT_REPLY } from '../support/scripted-runtime.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

describe('KPI snapshot: LLM figures', () => {
  let server: ScriptedServer;
  const token = TEST_ADMIN_KEY;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model', 'idle-model']);
  });
  afterAll(() => server.close());

  const snapshot = async () => KpiSnapshot.parse((await server.request('/v1/admin/metrics/snapshot?window=5m', { token })).json);

  it('has nothing to report before the first generation', async () => {
    expect((await snapshot()).llm).toEqual({
      ttft_p50_ms: null, ttft_p95_ms: null, tokens_per_second: null, generated_tokens_per_second: 0,
      active_streams: 0, queue_depth: 0, loaded_models: [],
    });
  });

  it('reports the loaded model, time to first token, speed and tokens generated after chat completions', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }] } });
      expect(res.status).toBe(200);
    }
    const { llm, routes } = await snapshot();
    expect(llm.loaded_models).toEqual(['test-model']);
    expect(llm.ttft_p50_ms).toBeGreaterThan(0);
    expect(llm.ttft_p95_ms).toBeGreaterThanOrEqual(llm.ttft_p50_ms!);
    expect(llm.tokens_per_second).toBeGreaterThan(0);
    // A rate over the time since the server started (shorter than the window); the count is checked below.
    expect(llm.generated_tokens_per_second).toBeGreaterThan(0);
    expect(llm).toMatchObject({ active_streams: 0, queue_depth: 0 });
    expect(routes.find((r) => r.method === 'POST' && r.route === '/v1/chat/completions')!.count).toBe(2);
    const prom = await server.request('/metrics');
    const generated = /^jan_generated_tokens_total\{model="test-model"\} (\d+)$/m.exec(prom.text);
    expect(Number(generated?.[1])).toBe(2 * (DEFAULT_REPLY.length + 1));
  });
});
