/**
 * /v1/conversations/{id}/items: adding items in OpenAI's and Jan's content forms, reading them back in
 * OpenAI's flat form, pagination, deletion, and what deleting a conversation does to its items.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { conversationNotFound, invalid, useGuestApi, walkPages } from '../support/guest-api.js';
import { withTestSql } from '../support/server-database.js';

const MSG_ID = /^msg_[0-9a-f]{48}$/;
const FC_ID = /^fc_[0-9a-f]{48}$/;
const FCO_ID = /^fco_[0-9a-f]{48}$/;

const itemNotFound = (id: string) => ({
  error: { message: `No item found with id '${id}'.`, type: 'not_found_error', param: 'item_id', code: 'item_not_found' },
});

describe('conversation items', () => {
  const guest = useGuestApi();
  const { api } = guest;
  const newConversation = async (body: unknown = {}): Promise<string> =>
    (await api('/v1/conversations', { method: 'POST', body })).json.id;
  const addItems = async (conversationId: string, items: unknown[]) => {
    const res = await api(`/v1/conversations/${conversationId}/items`, { method: 'POST', body: { items } });
    expect(res.status).toBe(200);
    return res.json;
  };
  const message = (role: string, text: string) => ({ type: 'message', role, content: [{ type: 'input_text', text }] });

  describe('adding items', () => {
    it('answers the added items as a list, in the order given, in OpenAI\'s exact shapes', async () => {
      const conv = await newConversation();
      const before = Math.floor(Date.now() / 1000);
      const list = await addItems(conv, [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather?' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Hanoi"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temp":31}' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'It is 31°C.' }] },
      ]);
      const created_at = expect.any(Number);
      expect(list).toEqual({
        object: 'list',
        data: [
          { id: expect.stringMatching(MSG_ID), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'What is the weather?' }], created_at },
          { id: expect.stringMatching(FC_ID), type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Hanoi"}', created_at },
          { id: expect.stringMatching(FCO_ID), type: 'function_call_output', status: 'completed', call_id: 'call_1', output: '{"temp":31}', created_at },
          { id: expect.stringMatching(MSG_ID), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'It is 31°C.', annotations: [] }], created_at },
        ],
        first_id: list.data[0].id,
        last_id: list.data[3].id,
        has_more: false,
      });
      expect(new Set(list.data.map((i: { id: string }) => i.id)).size).toBe(4);
      expect(list.data[0].created_at).toBeGreaterThanOrEqual(before);
    });

    it('answers Jan\'s nested text parts in OpenAI\'s flat form', async () => {
      const conv = await newConversation();
      const { data } = await addItems(conv, [
        { type: 'message', role: 'user', content: [{ type: 'text', text: { value: 'hello', annotations: [] } }] },
        { type: 'message', role: 'assistant', content: [{ type: 'text', text: { value: 'hi there', annotations: [] } }] },
      ]);
      expect(data[0].content).toEqual([{ type: 'input_text', text: 'hello' }]);
      expect(data[1].content).toEqual([{ type: 'output_text', text: 'hi there', annotations: [] }]);
      const read = await api(`/v1/conversations/${conv}/items/${data[0].id}`);
      expect(read.json.content).toEqual([{ type: 'input_text', text: 'hello' }]);
    });

    it('turns string content into one text part of the role\'s kind', async () => {
      const conv = await newConversation();
      const { data } = await addItems(conv, [
        { role: 'user', content: 'plain question' },
        { role: 'system', content: 'be brief' },
        { role: 'assistant', content: 'plain answer' },
      ]);
      expect(data.map((i: { content: unknown }) => i.content)).toEqual([
        [{ type: 'input_text', text: 'plain question' }],
        [{ type: 'input_text', text: 'be brief' }],
        [{ type: 'output_text', text: 'plain answer', annotations: [] }],
      ]);
    });

    it('keeps non-text parts as they were sent', async () => {
      const conv = await newConversation();
      const image = { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' };
      const { data } = await addItems(conv, [{ role: 'user', content: [{ type: 'input_text', text: 'see' }, image] }]);
      expect(data[0].content).toEqual([{ type: 'input_text', text: 'see' }, image]);
    });

    it('assigns its own ids, ignoring ids sent by the client', async () => {
      const conv = await newConversation();
      const { data } = await addItems(conv, [{ ...message('user', 'x'), id: 'msg_client' }]);
      expect(data[0].id).toMatch(MSG_ID);
    });

    it('stores the initial items of a created conversation, in order', async () => {
      const conv = await newConversation({ items: [{ role: 'user', content: 'one' }, { role: 'assistant', content: 'two' }] });
      const res = await api(`/v1/conversations/${conv}/items?order=asc`);
      expect(res.json.data.map((i: { content: { text: string }[] }) => i.content[0]!.text)).toEqual(['one', 'two']);
    });

    it('accepts 20 items at once and refuses 21 and none', async () => {
      const conv = await newConversation();
      const twenty = Array.from({ length: 20 }, (_, i) => message('user', `m${i}`));
      expect((await addItems(conv, twenty)).data).toHaveLength(20);
      for (const items of [[...twenty, message('user', 'one too many')], []]) {
        const res = await api(`/v1/conversations/${conv}/items`, { method: 'POST', body: { items } });
        expect(res.status).toBe(400);
        expect(res.json).toEqual(invalid('items'));
      }
    });

    it('refuses an item that is not a valid message, naming it', async () => {
      const conv = await newConversation();
      const res = await api(`/v1/conversations/${conv}/items`, { method: 'POST', body: { items: [message('user', 'ok'), { role: 'robot', content: 'x' }] } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { ...invalid('items[1]').error, code: expect.any(String) } });
    });

    it('moves the conversation\'s updated_at forward', async () => {
      const conv = await newConversation();
      const before = (await api(`/v1/conversations/${conv}`)).json;
      await addItems(conv, [message('user', 'x')]);
      const after = (await api(`/v1/conversations/${conv}`)).json;
      expect(after).toEqual({ ...before, updated_at: expect.any(Number) });
      expect(after.updated_at).toBeGreaterThanOrEqual(before.updated_at);
    });
  });

  describe('listing items', () => {
    let conv: string;
    /** Seven items in the order they were added. */
    let ids: string[];
    const list = (query = '') => api(`/v1/conversations/${conv}/items${query}`);

    const walk = (limit: number, order: 'asc' | 'desc') => walkPages(list, limit, order, ids.length);

    beforeAll(async () => {
      conv = await newConversation();
      ids = (await addItems(conv, [0, 1, 2].map((i) => message('user', `a${i}`)))).data.map((i: { id: string }) => i.id);
      ids.push(...(await addItems(conv, [3, 4, 5, 6].map((i) => message('assistant', `b${i}`)))).data.map((i: { id: string }) => i.id));
    });

    it('lists newest first by default, with the exact envelope', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['data', 'first_id', 'has_more', 'last_id', 'object']);
      expect(res.json.data.map((i: { id: string }) => i.id)).toEqual([...ids].reverse());
      expect(res.json).toMatchObject({ object: 'list', first_id: ids[6], last_id: ids[0], has_more: false });
    });

    it.each(['asc', 'desc'] as const)('walks every item exactly once with limit=1, order=%s', async (order) => {
      const expected = order === 'asc' ? ids : [...ids].reverse();
      expect(await walk(1, order)).toEqual(expected.map((id) => [id]));
    });

    it.each(['asc', 'desc'] as const)('pages by three with order=%s: 3, 3, 1', async (order) => {
      const expected = order === 'asc' ? ids : [...ids].reverse();
      expect(await walk(3, order)).toEqual([expected.slice(0, 3), expected.slice(3, 6), expected.slice(6)]);
    });

    it('refuses limit 0 and 101, an unknown after and an item of another conversation as after', async () => {
      for (const limit of ['0', '101']) {
        const res = await list(`?limit=${limit}`);
        expect(res.status).toBe(400);
        expect(res.json).toEqual(invalid('limit'));
      }
      const other = await newConversation();
      const [foreign] = (await addItems(other, [message('user', 'elsewhere')])).data;
      for (const after of ['msg_unknown', foreign.id]) {
        const res = await list(`?after=${after}`);
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error: { message: `No item '${after}' in this conversation to list after.`, type: 'invalid_request_error', param: 'after', code: 'invalid_value' },
        });
      }
    });
  });

  describe('reading and deleting items', () => {
    it('gets one item exactly as it was added', async () => {
      const conv = await newConversation();
      const [item] = (await addItems(conv, [message('user', 'remember me')])).data;
      const res = await api(`/v1/conversations/${conv}/items/${item.id}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(item);
    });

    it('deletes an item and answers with its conversation', async () => {
      const conv = await newConversation({ title: 'keeps going', metadata: { k: 'v' } });
      const [gone, kept] = (await addItems(conv, [message('user', 'gone'), message('user', 'kept')])).data;
      const before = (await api(`/v1/conversations/${conv}`)).json;
      const res = await api(`/v1/conversations/${conv}/items/${gone.id}`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ...before, updated_at: expect.any(Number) });
      const read = await api(`/v1/conversations/${conv}/items/${gone.id}`);
      expect(read.status).toBe(404);
      expect(read.json).toEqual(itemNotFound(gone.id));
      expect((await api(`/v1/conversations/${conv}/items`)).json.data.map((i: { id: string }) => i.id)).toEqual([kept.id]);
      const again = await api(`/v1/conversations/${conv}/items/${gone.id}`, { method: 'DELETE' });
      expect(again.status).toBe(404);
      expect(again.json).toEqual(itemNotFound(gone.id));
    });

    it('does not find an item through another conversation of the same user', async () => {
      const a = await newConversation();
      const b = await newConversation();
      const [item] = (await addItems(a, [message('user', 'in a')])).data;
      for (const method of ['GET', 'DELETE']) {
        const res = await api(`/v1/conversations/${b}/items/${item.id}`, { method });
        expect(res.status).toBe(404);
        expect(res.json).toEqual(itemNotFound(item.id));
      }
      expect((await api(`/v1/conversations/${a}/items/${item.id}`)).status).toBe(200);
    });

    it('answers every item route of an unknown conversation with the conversation 404', async () => {
      const calls: [string, string, unknown?][] = [
        ['GET', '/v1/conversations/conv_nope/items'],
        ['POST', '/v1/conversations/conv_nope/items', { items: [message('user', 'x')] }],
        ['GET', '/v1/conversations/conv_nope/items/msg_nope'],
        ['DELETE', '/v1/conversations/conv_nope/items/msg_nope'],
      ];
      for (const [method, path, body] of calls) {
        const res = await api(path, { method, body });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.json).toEqual(conversationNotFound('conv_nope'));
      }
    });

    it('removes a conversation\'s items when the conversation is deleted', async () => {
      const conv = await newConversation();
      const itemIds = (await addItems(conv, [message('user', 'a'), message('assistant', 'b')])).data.map((i: { id: string }) => i.id);
      expect((await api(`/v1/conversations/${conv}`, { method: 'DELETE' })).status).toBe(200);
      const read = await api(`/v1/conversations/${conv}/items/${itemIds[0]}`);
      expect(read.status).toBe(404);
      expect(read.json).toEqual(conversationNotFound(conv));
      // Not only unreachable: the rows are gone from the database too.
      const left = await withTestSql(guest.server, (sql) => sql.column<string>('SELECT id FROM items WHERE id IN (?, ?)', ...itemIds));
      expect(left).toEqual([]);
    });
  });
});
