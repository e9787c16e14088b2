/**
 * JAN_ROLE=api, a stateless API replica: no local model (the models folder is not listed, so none is ever loaded;
 * remote engines serve the models) and no scheduled maintenance job (archive, cleanup, optimize, backup run on the
 * replicas with the default role, `all`). The same setup with role `all` shows what `api` leaves out.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../server/config/schema.js';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

describe('JAN_ROLE', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A server with a model file in its folder and every job on a schedule. */
  async function start(role: Config['role']): Promise<TestServer> {
    const started = await startTestServer({ role, maintenanceIntervalMinutes: 60, backupIntervalHours: 24, archiveAfterDays: 30 });
    await mkdir(started.config.modelsDir, { recursive: true });
    writeDesignedModel(join(started.config.modelsDir, 'designed.gguf'));
    return started;
  }
  const admin = { token: TEST_ADMIN_KEY };

  it('all (the default): lists the local model and schedules every job', async () => {
    server = await start('all');
    expect((await server.request('/v1/models', admin)).json.data.map((m: { id: string }) => m.id)).toEqual(['designed']);
    const jobs = (await server.request('/v1/admin/jobs', admin)).json.data as Array<{ name: string; next_run_at: number | null }>;
    expect(jobs.map((job) => [job.name, job.next_run_at !== null])).toEqual([['archive', true], ['cleanup', true], ['optimize', true], ['backup', true]]);
  });

  it('api: lists no local model, answers 404 model_not_found for it, and schedules no job', async () => {
    server = await start('api');
    expect((await server.request('/v1/models', admin)).json).toEqual({ object: 'list', data: [] });
    const chat = await server.request('/v1/chat/completions', { ...admin, method: 'POST', body: { model: 'designed', messages: [{ role: 'user', content: 'Hi' }] } });
    expect(chat.status).toBe(404);
    expect(chat.json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const jobs = (await server.request('/v1/admin/jobs', admin)).json.data as Array<{ name: string; next_run_at: number | null }>;
    expect(jobs.map((job) => [job.name, job.next_run_at])).toEqual([['archive', null], ['cleanup', null], ['optimize', null], ['backup', null]]);
    expect((await server.request('/readyz')).json).toEqual({ status: 'ok' });
  });
});
