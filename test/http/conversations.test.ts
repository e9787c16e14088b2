/**
 * /v1/conversations: create, read, update, delete, list pagination, input validation. Items have their own
 * file (conversation-items.test.ts); the project filter is tested in projects.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { conversationNotFound, invalid, useGuestApi, walkPages } from '../support/guest-api.js';

const CONV_ID = /^conv_[0-9a-f]{48}$/;

describe('conversations', () => {
  const guest = useGuestApi();
  const { api } = guest;
  const create = async (body: unknown = {}) => {
    const res = await api('/v1/conversations', { method: 'POST', body });
    expect(res.status).toBe(200);
    return res.json;
  };

  describe('create, get, update, delete', () => {
    it('creates a conversation and answers with its exact shape', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await api('/v1/conversations', {
        method: 'POST',
        body: { title: 'Trip to Hanoi', metadata: { topic: 'travel' }, referrer: 'playground' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        id: expect.stringMatching(CONV_ID),
        object: 'conversation',
        title: 'Trip to Hanoi',
        metadata: { topic: 'travel' },
        project_id: null,
        referrer: 'playground',
        created_at: expect.any(Number),
        updated_at: res.json.created_at,
      });
      expect(Number.isInteger(res.json.created_at)).toBe(true);
      expect(res.json.created_at).toBeGreaterThanOrEqual(before);
      expect(res.json.created_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    });

    it('creates with an empty body, defaulting every field', async () => {
      const conv = await create();
      expect(conv).toEqual({
        id: expect.stringMatching(CONV_ID),
        object: 'conversation',
        title: null,
        metadata: {},
        project_id: null,
        referrer: null,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
    });

    it('reads back exactly what create answered', async () => {
      const conv = await create({ title: 'read me', metadata: { a: '1', b: '2' } });
      const res = await api(`/v1/conversations/${conv.id}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(conv);
    });

    it('updates the title with PATCH and keeps the metadata', async () => {
      const conv = await create({ title: 'old', metadata: { keep: 'yes' } });
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'PATCH', body: { title: 'new' } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ...conv, title: 'new', updated_at: expect.any(Number) });
      expect(res.json.updated_at).toBeGreaterThanOrEqual(conv.updated_at);
      expect((await api(`/v1/conversations/${conv.id}`)).json).toEqual(res.json);
    });

    it('replaces the metadata with POST /{id} (as the OpenAI SDK sends it) and keeps the title', async () => {
      const conv = await create({ title: 'kept', metadata: { old: 'x' } });
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'POST', body: { metadata: { fresh: 'y' } } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ...conv, metadata: { fresh: 'y' }, updated_at: expect.any(Number) });
      expect((await api(`/v1/conversations/${conv.id}`)).json.metadata).toEqual({ fresh: 'y' });
    });

    it('clears the title with null', async () => {
      const conv = await create({ title: 'going away' });
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'PATCH', body: { title: null } });
      expect(res.status).toBe(200);
      expect(res.json.title).toBeNull();
    });

    it('refuses an update that changes nothing', async () => {
      const conv = await create();
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'PATCH', body: {} });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid(null));
    });

    it('deletes a conversation; it is gone afterwards', async () => {
      const conv = await create({ title: 'doomed' });
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ id: conv.id, object: 'conversation.deleted', deleted: true });
      const read = await api(`/v1/conversations/${conv.id}`);
      expect(read.status).toBe(404);
      expect(read.json).toEqual(conversationNotFound(conv.id));
      const again = await api(`/v1/conversations/${conv.id}`, { method: 'DELETE' });
      expect(again.status).toBe(404);
      expect(again.json).toEqual(conversationNotFound(conv.id));
    });

    it.each([
      ['GET', undefined],
      ['PATCH', { title: 'x' }],
      ['POST', { title: 'x' }],
      ['DELETE', undefined],
    ])('answers %s of an unknown id with the exact 404 body', async (method, body) => {
      const res = await api('/v1/conversations/conv_does_not_exist', { method, body });
      expect(res.status).toBe(404);
      expect(res.json).toEqual(conversationNotFound('conv_does_not_exist'));
    });

    it('needs credentials', async () => {
      const res = await guest.server.request('/v1/conversations');
      expect(res.status).toBe(401);
      expect(res.json).toEqual({
        error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' },
      });
    });
  });

  describe('input validation', () => {
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`key${i}`, 'v']));

    it('accepts metadata at its limits: 16 keys, 64-character keys, 512-character values', async () => {
      const metadata = { ...sixteen };
      delete metadata.key0;
      delete metadata.key1;
      Object.assign(metadata, { ['k'.repeat(64)]: 'v', long: 'v'.repeat(512) });
      const conv = await create({ metadata });
      expect(conv.metadata).toEqual(metadata);
    });

    it.each([
      ['17 keys', { ...sixteen, key16: 'v' }, 'metadata'],
      ['a 65-character key', { ['k'.repeat(65)]: 'v' }, 'metadata'],
      ['a 513-character value', { long: 'v'.repeat(513) }, 'metadata.long'],
    ])('refuses metadata with %s, naming the param', async (_, metadata, param) => {
      const res = await api('/v1/conversations', { method: 'POST', body: { metadata } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid(param));
    });

    it('applies the same metadata limits on update', async () => {
      const conv = await create();
      const res = await api(`/v1/conversations/${conv.id}`, { method: 'PATCH', body: { metadata: { ...sixteen, key16: 'v' } } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('metadata'));
    });

    it('refuses 21 initial items', async () => {
      const items = Array.from({ length: 21 }, (_, i) => ({ role: 'user', content: `m${i}` }));
      const res = await api('/v1/conversations', { method: 'POST', body: { items } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('items'));
    });

    it('names the field of a wrong type', async () => {
      const res = await api('/v1/conversations', { method: 'POST', body: { title: 42 } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('title', 'invalid_type'));
    });

    it('ignores unknown fields', async () => {
      const conv = await create({ title: 'plain', color: 'blue', nested: { x: 1 } });
      expect(conv).not.toHaveProperty('color');
      expect(conv.title).toBe('plain');
    });

    it('accepts stray bytes after a valid JSON object (as Jan\'s collection sends)', async () => {
      const res = await api('/v1/conversations', { method: 'POST', body: '{"title":"x" }\n}' });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ object: 'conversation', title: 'x' });
    });

    it('refuses a body that is not JSON', async () => {
      const res = await api('/v1/conversations', { method: 'POST', body: 'title=x' });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', param: null, code: 'invalid_json' },
      });
    });
  });

  describe('list', () => {
    let owner: string;
    /** Five conversations of a fresh user, in creation order. */
    let ids: string[];
    const list = (query = '') => guest.server.request(`/v1/conversations${query}`, { token: owner });

    /** Follows `after` from the first page to the last, checking each page's envelope and total. */
    const walk = (limit: number, order: 'asc' | 'desc') => walkPages(list, limit, order, ids.length, { total: ids.length });

    beforeAll(async () => {
      owner = await guest.server.guestToken();
      ids = [];
      for (let i = 0; i < 5; i++) {
        const res = await guest.server.request('/v1/conversations', { method: 'POST', token: owner, body: { title: `c${i}` } });
        ids.push(res.json.id);
      }
    });

    it('lists newest first by default with the exact envelope', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      const reversed = [...ids].reverse();
      expect(res.json).toEqual({
        object: 'list',
        data: reversed.map((id, i) => ({
          id, object: 'conversation', title: `c${4 - i}`, metadata: {}, project_id: null, referrer: null,
          created_at: expect.any(Number), updated_at: expect.any(Number),
        })),
        first_id: reversed[0],
        last_id: reversed[4],
        has_more: false,
        total: 5,
      });
    });

    it.each(['asc', 'desc'] as const)('walks every conversation exactly once with limit=1, order=%s', async (order) => {
      const pages = await walk(1, order);
      const expected = order === 'asc' ? ids : [...ids].reverse();
      expect(pages).toEqual(expected.map((id) => [id]));
    });

    it.each(['asc', 'desc'] as const)('pages by two with order=%s: 2, 2, 1', async (order) => {
      const pages = await walk(2, order);
      const expected = order === 'asc' ? ids : [...ids].reverse();
      expect(pages).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);
    });

    it('says has_more false when the page ends exactly at the last conversation', async () => {
      const res = await list(`?limit=5`);
      expect(res.json.data).toHaveLength(5);
      expect(res.json.has_more).toBe(false);
      const tail = await list(`?order=asc&after=${ids[4]}`);
      expect(tail.json).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false, total: 5 });
    });

    it('answers an empty list for a user without conversations', async () => {
      const res = await guest.server.request('/v1/conversations', { token: await guest.server.guestToken() });
      expect(res.json).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false, total: 0 });
    });

    it.each(['0', '101', 'abc', '1.5'])('refuses limit=%s naming the param', async (limit) => {
      const res = await list(`?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('limit', expect.any(String)));
    });

    it('refuses an unknown order', async () => {
      const res = await list('?order=sideways');
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('order'));
    });

    it('refuses an unknown after cursor', async () => {
      const res = await list('?after=conv_unknown');
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        error: { message: "No conversation 'conv_unknown' to list after.", type: 'invalid_request_error', param: 'after', code: 'invalid_value' },
      });
    });
  });
});
