/**
 * Export → import round trip: everything a user owns (projects, conversations with items, archived ones
 * too) comes out as JSON Lines and goes back in — into a fresh server identically, into the same server
 * idempotently, into another user with new ids where the old ones are taken. Bad input is a 400 naming the line.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { withTestSql } from '../support/server-database.js';

const admin = { token: TEST_ADMIN_KEY };

async function exportText(server: TestServer, token = TEST_ADMIN_KEY) {
  const res = await fetch(`${server.url}/v1/export`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line));
const importText = (server: TestServer, body: string | Buffer, token = TEST_ADMIN_KEY, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/import`, {
    method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...headers },
  }).then(async (res) => ({ status: res.status, json: await res.json() }));

/** Everything a user can read back over the API, for comparing two accounts. */
async function snapshot(server: TestServer, token = TEST_ADMIN_KEY) {
  const conversations = (await server.request('/v1/conversations?limit=100&order=asc', { token })).json.data;
  const withItems = [];
  for (const conversation of conversations) {
    withItems.push({ conversation, items: (await server.request(`/v1/conversations/${conversation.id}/items?limit=100&order=asc`, { token })).json.data });
  }
  return { projects: (await server.request('/v1/projects', { token })).json.data, conversations: withItems };
}

describe('export and import', () => {
  let source: TestServer;
  let target: TestServer;
  let exported: string;
  beforeAll(async () => {
    [source, target] = await Promise.all([startTestServer({ maintenanceIntervalMinutes: 0 }), startTestServer({ maintenanceIntervalMinutes: 0 })]);
    const project = (await source.request('/v1/projects', { method: 'POST', ...admin, body: { name: 'Trips', instruction: 'Be brief.' } })).json;
    for (let i = 0; i < 3; i++) {
      await source.request('/v1/conversations', {
        method: 'POST', ...admin,
        body: {
          title: `c${i}`, metadata: { n: String(i) }, project_id: i === 0 ? project.id : undefined,
          items: [
            { type: 'message', role: 'user', content: [{ type: 'input_text', text: `question ${i}` }] },
            { type: 'message', role: 'assistant', content: `answer ${i}` },
            { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
          ],
        },
      });
    }
    // One conversation is archived: the export has it all the same.
    await withTestSql(source, (sql) => sql.run("UPDATE conversations SET updated_at = updated_at - 400 * 86400 WHERE title = 'c2'"));
    expect((await source.request('/v1/admin/jobs/archive/run', { method: 'POST', ...admin, body: {} })).json.report.archived).toBe(1);
    exported = (await exportText(source)).text;
  });
  afterAll(() => Promise.all([source.close(), target.close()]));

  it('streams JSON Lines: header, projects, conversations each followed by their items, end with counts', async () => {
    const res = await exportText(source);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="jan-export-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const parsed = lines(res.text);
    expect(parsed[0]).toEqual({ type: 'header', format: 'jan-server-export', version: 1, exported_at: expect.any(Number), user_id: expect.any(String) });
    expect(parsed.map((line) => line.type)).toEqual([
      'header', 'project', 'conversation', 'item', 'item', 'item', 'conversation', 'item', 'item', 'item', 'conversation', 'item', 'item', 'item', 'end',
    ]);
    expect(parsed.at(-1)).toEqual({ type: 'end', counts: { projects: 1, conversations: 3, items: 9 } });
    expect(parsed.filter((line) => line.type === 'conversation').map((line) => line.title)).toEqual(['c0', 'c1', 'c2']);
    expect(parsed[3]).toEqual({
      type: 'item', conversation_id: parsed[2].id,
      item: { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'question 0' }], created_at: expect.any(Number) },
    });
  });

  it('imports into a fresh server exactly as it was (ids, order, content, projects)', async () => {
    const result = await importText(target, exported);
    expect(result).toEqual({
      status: 200,
      json: {
        object: 'import.result', lines: 15,
        projects: { created: 1, skipped: 0, renamed: 0 }, conversations: { created: 3, skipped: 0, renamed: 0 }, items: { created: 9, skipped: 0, renamed: 0 },
      },
    });
    const archived = lines(exported).find((line) => line.type === 'conversation' && line.title === 'c2');
    expect((await source.request(`/v1/conversations/${archived.id}`, admin)).status).toBe(200); // restores it in the source
    expect(await snapshot(target)).toEqual(await snapshot(source));
  });

  it('importing the same file again changes nothing (idempotent), also gzip-encoded', async () => {
    const result = await importText(target, gzipSync(exported), TEST_ADMIN_KEY, { 'content-encoding': 'gzip' });
    expect(result.json).toMatchObject({ projects: { created: 0, skipped: 1 }, conversations: { created: 0, skipped: 3 }, items: { created: 0, skipped: 9 } });
    expect((await snapshot(target)).conversations).toHaveLength(3);
  });

  it('another user importing it gets copies under new ids (ids are never shared across users)', async () => {
    const guest = await target.guestToken();
    const result = await importText(target, exported, guest);
    expect(result.json).toMatchObject({ projects: { created: 1, renamed: 1 }, conversations: { created: 3, renamed: 3 }, items: { created: 9, renamed: 9 } });
    const mine = await snapshot(target);
    const theirs = await snapshot(target, guest);
    expect(theirs.conversations.map((c) => c.conversation.title)).toEqual(['c0', 'c1', 'c2']);
    expect(theirs.conversations[0]!.conversation.project_id).toBe(theirs.projects[0].id);
    expect(theirs.conversations.map((c) => c.conversation.id)).not.toContain(mine.conversations[0]!.conversation.id);
    expect(theirs.conversations[1]!.items.map((i: { content: unknown }) => i.content)).toEqual(mine.conversations[1]!.items.map((i: { content: unknown }) => i.content));
    expect(lines((await exportText(target, guest)).text).at(-1)).toEqual({ type: 'end', counts: { projects: 1, conversations: 3, items: 9 } });
  });

  it('refuses bad input with a 400 naming the line, and other media types with 415', async () => {
    const guest = await target.guestToken();
    expectError(await importText(target, '{"type":"conversation","id":"conv_x"}\n', guest), 400, {
      type: 'invalid_request_error', code: 'invalid_export_line', param: 'line 1', message: /^Line 1 is not a valid export line/,
    });
    expectError(await importText(target, '\n{"type":"item","conversation_id":"conv_nope","item":{"id":"msg_1","type":"message","created_at":1}}\n', guest), 400, {
      type: 'invalid_request_error', code: 'invalid_export_line', param: 'line 2',
    });
    expectError(await importText(target, 'not json\n', guest), 400, { type: 'invalid_request_error', code: 'invalid_json', param: 'line 1' });
    expectError(await importText(target, exported, guest, { 'content-type': 'image/png' }), 415, { type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect((await snapshot(target, guest)).conversations).toEqual([]);
  });

  it('needs credentials', async () => {
    expectError(await source.request('/v1/export'), 401, { type: 'authentication_error', code: 'invalid_api_key' });
  });
});
