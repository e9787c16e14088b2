/**
 * Each user sees only their own data: another user's conversation, item or project id answers exactly as an
 * unknown id would (404), for every route, and nothing of the owner's data changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_KEY, type RequestOptions, type TestServer, type TestResponse } from '../support/test-server.js';

const conversationNotFound = (id: string) => ({
  error: { message: `No conversation found with id '${id}'.`, type: 'not_found_error', param: 'conversation_id', code: 'conversation_not_found' },
});
const projectNotFound = (id: string) => ({
  error: { message: `No project found with id '${id}'.`, type: 'not_found_error', param: 'project_id', code: 'project_not_found' },
});

type Caller = (path: string, init?: RequestOptions) => Promise<TestResponse>;

describe('user isolation', () => {
  let server: TestServer;
  /** Alice owns the data; Bob is another guest; the admin is the desktop owner (JAN_API_KEY). */
  let alice: Caller;
  let others: [name: string, call: Caller][];
  let conv: { id: string };
  let item: { id: string };
  let project: { id: string };
  let snapshot: { conversation: unknown; items: unknown; project: unknown };

  const readAll = async () => ({
    conversation: (await alice(`/v1/conversations/${conv.id}`)).json,
    items: (await alice(`/v1/conversations/${conv.id}/items`)).json,
    project: (await alice(`/v1/projects/${project.id}`)).json,
  });

  beforeAll(async () => {
    server = await startTestServer();
    const aliceToken = await server.guestToken();
    const bobToken = await server.guestToken();
    alice = (path, init = {}) => server.request(path, { token: aliceToken, ...init });
    others = [
      ['another guest', (path, init = {}) => server.request(path, { token: bobToken, ...init })],
      ['the admin (bearer)', (path, init = {}) => server.request(path, { token: TEST_ADMIN_KEY, ...init })],
      ['the admin (X-API-Key)', (path, init = {}) => server.request(path, { ...init, headers: { 'x-api-key': TEST_ADMIN_KEY } })],
    ];
    project = (await alice('/v1/projects', { method: 'POST', body: { name: 'Private' } })).json;
    conv = (await alice('/v1/conversations', {
      method: 'POST',
      body: { title: 'secret', project_id: project.id, items: [{ role: 'user', content: 'my secret' }] },
    })).json;
    item = (await alice(`/v1/conversations/${conv.id}/items`)).json.data[0];
    snapshot = await readAll();
  });
  afterAll(() => server.close());

  it('the other callers are authenticated (so a 404 is isolation, not a 401)', async () => {
    for (const [name, call] of others) {
      const res = await call('/v1/conversations');
      expect(res.status, name).toBe(200);
    }
  });

  it('answers every conversation and item route of another user\'s ids with the conversation 404', async () => {
    const message = { role: 'user', content: 'intrusion' };
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/conversations/${conv.id}`],
      ['PATCH', `/v1/conversations/${conv.id}`, { title: 'hacked' }],
      ['POST', `/v1/conversations/${conv.id}`, { metadata: { hacked: 'yes' } }],
      ['GET', `/v1/conversations/${conv.id}/items`],
      ['POST', `/v1/conversations/${conv.id}/items`, { items: [message] }],
      ['GET', `/v1/conversations/${conv.id}/items/${item.id}`],
      ['DELETE', `/v1/conversations/${conv.id}/items/${item.id}`],
      ['DELETE', `/v1/conversations/${conv.id}`],
    ];
    for (const [name, call] of others) {
      for (const [method, path, body] of calls) {
        const res = await call(path, { method, body });
        expect(res.status, `${name}: ${method} ${path}`).toBe(404);
        expect(res.json).toEqual(conversationNotFound(conv.id));
      }
    }
  });

  it('does not find an item of another user through the caller\'s own conversation', async () => {
    for (const [name, call] of others) {
      const own = (await call('/v1/conversations', { method: 'POST', body: {} })).json;
      const res = await call(`/v1/conversations/${own.id}/items/${item.id}`);
      expect(res.status, name).toBe(404);
      expect(res.json).toEqual({
        error: { message: `No item found with id '${item.id}'.`, type: 'not_found_error', param: 'item_id', code: 'item_not_found' },
      });
      const after = await call(`/v1/conversations/${own.id}/items?after=${item.id}`);
      expect(after.status, name).toBe(400);
      expect(after.json.error.param).toBe('after');
    }
  });

  it('answers every project route of another user\'s id with the project 404', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/projects/${project.id}`],
      ['PATCH', `/v1/projects/${project.id}`, { name: 'hacked' }],
      ['DELETE', `/v1/projects/${project.id}`],
      ['POST', '/v1/conversations', { project_id: project.id }],
    ];
    for (const [name, call] of others) {
      for (const [method, path, body] of calls) {
        const res = await call(path, { method, body });
        expect(res.status, `${name}: ${method} ${path}`).toBe(404);
        expect(res.json).toEqual(projectNotFound(project.id));
      }
    }
  });

  it('never lists another user\'s conversations or projects, nor pages from their ids', async () => {
    for (const [name, call] of others) {
      const convs = await call('/v1/conversations?limit=100');
      expect(convs.json.data.map((c: { id: string }) => c.id), name).not.toContain(conv.id);
      const inProject = await call(`/v1/conversations?project_id=${project.id}`);
      expect(inProject.json).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false, total: 0 });
      const projects = await call('/v1/projects?limit=100');
      expect(projects.json.data.map((p: { id: string }) => p.id), name).not.toContain(project.id);
      const after = await call(`/v1/conversations?after=${conv.id}`);
      expect(after.status, name).toBe(400);
      expect(after.json.error.param).toBe('after');
      const cursor = await call(`/v1/projects?cursor=${project.id}`);
      expect(cursor.status, name).toBe(400);
      expect(cursor.json.error.param).toBe('cursor');
    }
  });

  it('leaves the owner\'s data exactly as it was', async () => {
    expect(await readAll()).toEqual(snapshot);
    expect((await alice('/v1/conversations')).json).toMatchObject({ total: 1, data: [snapshot.conversation] });
  });

  it('keeps the admin\'s own data from guests too', async () => {
    const [, admin] = others[1]!;
    const adminConv = (await admin('/v1/conversations', { method: 'POST', body: { title: 'owner only' } })).json;
    const res = await alice(`/v1/conversations/${adminConv.id}`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual(conversationNotFound(adminConv.id));
    expect((await admin(`/v1/conversations/${adminConv.id}`)).json).toEqual(adminConv);
  });
});
