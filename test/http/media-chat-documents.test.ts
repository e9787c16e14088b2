/** "Chat with a document": file content parts become the file's extracted text (the chat service's hook). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { uploadFile } from '../support/media-fixtures-http.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { DEFAULT_REPLY } from '../support/scripted-runtime.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('MediaDocumentsService.expandFileParts', () => {
  let server: TestServer;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.guestToken();
    userId = (await server.request('/auth/me', { token })).json.id;
  });
  afterAll(() => server.close());

  it("replaces {type: 'file', file: {file_id}} with the document's text and leaves everything else alone", async () => {
    const { id } = (await uploadFile(server, token, Buffer.from('Meeting notes: ship on Friday.\n'), 'notes.txt')).json;
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'When do we ship?' }, { type: 'file', file: { file_id: id } }] },
    ];
    const docs = server.services.mediaDocuments;
    expect(docs.hasFileParts(messages)).toBe(true);
    expect(await docs.expandFileParts(userId, messages)).toEqual([
      messages[0],
      { role: 'user', content: [{ type: 'text', text: 'When do we ship?' }, { type: 'text', text: '<document name="notes.txt">\nMeeting notes: ship on Friday.\n\n</document>' }] },
    ]);
    expect(docs.hasFileParts([messages[0]!])).toBe(false);
  });

  it("refuses unknown or other users' files (404) and file parts without an id (400), naming the part", async () => {
    const other = await server.guestToken();
    const { id } = (await uploadFile(server, other, Buffer.from('not yours\n'), 'theirs.txt')).json;
    const docs = server.services.mediaDocuments;
    await expect(docs.expandFileParts(userId, [{ role: 'user', content: [{ type: 'file', file: { file_id: id } }] }])).rejects.toMatchObject({ status: 404, code: 'file_not_found' });
    const missing = docs.expandFileParts(userId, [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'file', file: { file_data: 'abc' } }] }]);
    await expect(missing).rejects.toBeInstanceOf(AppError);
    await expect(missing).rejects.toMatchObject({ status: 400, param: 'messages[0].content[1].file.file_id' });
  });
});

describe('chat with a document (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model']);
  });
  afterAll(() => server.close());

  it('puts the uploaded file\'s text into the prompt and answers normally', async () => {
    const token = await server.guestToken();
    const { id } = (await uploadFile(server, token, Buffer.from('Launch date: Friday the 13th.\n'), 'plan.txt')).json;
    const res = await server.request('/v1/chat/completions', {
      method: 'POST', token,
      body: { model: 'test-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'When?' }, { type: 'file', file: { file_id: id } }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.choices[0].message.content).toBe(DEFAULT_REPLY);
    expect(server.runtime.generations.at(-1)!.prompt.text).toContain('<document name="plan.txt">\nLaunch date: Friday the 13th.');
  });

  it('answers 404 in the error envelope for another user\'s file', async () => {
    const owner = await server.guestToken();
    const { id } = (await uploadFile(server, owner, Buffer.from('secret\n'), 'theirs.txt')).json;
    const res = await server.request('/v1/chat/completions', {
      method: 'POST', token: await server.guestToken(),
      body: { model: 'test-model', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: id } }] }] },
    });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ type: 'not_found_error', code: 'file_not_found' });
  });
});
