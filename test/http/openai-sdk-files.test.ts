/**
 * The official OpenAI SDK (v6) against /v1/files: upload with `toFile`, list (with its cursor
 * auto-pagination), retrieve, content, delete, its NotFoundError for another user's file, and a chat
 * completion whose file content part names the uploaded file (scripted runtime: the prompt holds the text).
 */
import OpenAI, { NotFoundError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { DEFAULT_REPLY } from '../support/scripted-runtime.js';

describe('OpenAI SDK compatibility: files', () => {
  let server: ScriptedServer;
  let client: OpenAI;
  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 10_000 });
  const newKey = async () => {
    const key = await server.request('/auth/api-keys', { method: 'POST', token: await server.guestToken(), body: { name: 'sdk files' } });
    expect(key.status).toBe(201);
    return key.json.key as string;
  };

  beforeAll(async () => {
    server = await startScriptedServer(['test-model']);
    client = sdk(await newKey());
  });
  afterAll(() => server.close());

  it('creates, retrieves, downloads and deletes a file', async () => {
    const created = await client.files.create({ file: await toFile(Buffer.from('Quarterly report: revenue up 12%.\n'), 'report.txt'), purpose: 'user_data' });
    expect(created).toEqual({
      id: expect.stringMatching(/^jan_/), object: 'file', bytes: 34, created_at: expect.any(Number), filename: 'report.txt', purpose: 'user_data', status: 'processed',
    });
    expect(await client.files.retrieve(created.id)).toEqual(created);
    const content = await client.files.content(created.id);
    expect(await content.text()).toBe('Quarterly report: revenue up 12%.\n');
    expect(await client.files.delete(created.id)).toEqual({ id: created.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists page by page with auto-pagination, filtered by purpose', async () => {
    const own = sdk(await newKey());
    const ids: string[] = [];
    for (const i of [1, 2, 3]) ids.push((await own.files.create({ file: await toFile(Buffer.from(`batch ${i}\n`), `b${i}.jsonl`), purpose: 'batch' })).id);
    await own.files.create({ file: await toFile(Buffer.from('other\n'), 'o.txt'), purpose: 'assistants' });
    const first = await own.files.list({ limit: 2, purpose: 'batch' });
    expect(first.data.map((f) => f.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    expect(first.hasNextPage()).toBe(true);
    const seen: string[] = [];
    for await (const file of own.files.list({ limit: 2, purpose: 'batch' })) seen.push(file.id);
    expect(seen).toEqual([...ids].reverse());
    const asc = await own.files.list({ order: 'asc' });
    expect(asc.data.map((f) => f.purpose)).toEqual(['batch', 'batch', 'batch', 'assistants']);
  });

  it("answers another user's file as not found", async () => {
    const mine = await client.files.create({ file: await toFile(Buffer.from('mine\n'), 'mine.txt'), purpose: 'user_data' });
    const other = sdk(await newKey());
    await expect(other.files.retrieve(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.files.content(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.files.delete(mine.id)).rejects.toMatchObject({ status: 404, code: 'file_not_found', param: 'file_id' });
  });

  it("puts an uploaded file's text into a chat prompt through a file content part", async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from('Launch date: Friday the 13th.\n'), 'plan.txt'), purpose: 'user_data' });
    const completion = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'When is the launch?' }, { type: 'file', file: { file_id: file.id } }] }],
    });
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY);
    expect(completion.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    const prompt = server.runtime.generations.at(-1)!.prompt.text;
    expect(prompt).toContain('When is the launch?');
    expect(prompt).toContain('<document name="plan.txt">\nLaunch date: Friday the 13th.');
  });
});
