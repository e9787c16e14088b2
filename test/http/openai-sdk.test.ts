/**
 * The official OpenAI SDK (v6) against our /v1 Conversations API: the request shapes it sends and the
 * response shapes it parses (including its cursor auto-pagination over items) must work unchanged.
 */
import OpenAI, { NotFoundError, AuthenticationError, BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

describe('OpenAI SDK compatibility: conversations', () => {
  let server: TestServer;
  let client: OpenAI;
  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 10_000 });

  beforeAll(async () => {
    server = await startTestServer();
    const guest = await server.guestToken();
    const key = await server.request('/auth/api-keys', { method: 'POST', token: guest, body: { name: 'sdk test' } });
    expect(key.status).toBe(201);
    client = sdk(key.json.key);
  });
  afterAll(() => server.close());

  it('creates, retrieves, updates and deletes a conversation', async () => {
    const created = await client.conversations.create({
      metadata: { topic: 'sdk' },
      items: [{ type: 'message', role: 'user', content: 'Hello from the SDK' }],
    });
    expect(created).toMatchObject({ id: expect.stringMatching(/^conv_/), object: 'conversation', metadata: { topic: 'sdk' } });
    expect(Number.isInteger(created.created_at)).toBe(true);

    const retrieved = await client.conversations.retrieve(created.id);
    expect(retrieved).toEqual(created);

    const updated = await client.conversations.update(created.id, { metadata: { topic: 'changed', extra: '1' } });
    expect(updated).toMatchObject({ id: created.id, object: 'conversation', metadata: { topic: 'changed', extra: '1' } });

    const deleted = await client.conversations.delete(created.id);
    expect(deleted).toEqual({ id: created.id, object: 'conversation.deleted', deleted: true });
  });

  it('clears metadata with update({ metadata: null })', async () => {
    const created = await client.conversations.create({ metadata: { a: 'b' } });
    const updated = await client.conversations.update(created.id, { metadata: null });
    expect(updated.metadata).toEqual({});
  });

  it('creates, lists, retrieves and deletes items', async () => {
    const conv = await client.conversations.create();
    const added = await client.conversations.items.create(conv.id, {
      items: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is 2+2?' }] },
        { type: 'message', role: 'assistant', content: '4' },
      ],
    });
    expect(added.object).toBe('list');
    expect(added.has_more).toBe(false);
    expect(added.data).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'What is 2+2?' }], created_at: expect.any(Number) },
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: '4', annotations: [] }], created_at: expect.any(Number) },
    ]);
    // Some item types of the SDK's union have an optional id; ours always have one.
    const [first, second] = added.data.map((i) => i.id!);
    expect(added.first_id).toBe(first);
    expect(added.last_id).toBe(second);

    const page = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(page.data.map((i) => i.id)).toEqual(added.data.map((i) => i.id));
    expect(page.has_more).toBe(false);

    const one = await client.conversations.items.retrieve(first!, { conversation_id: conv.id });
    expect(one).toEqual(added.data[0]);

    const afterDelete = await client.conversations.items.delete(first!, { conversation_id: conv.id });
    expect(afterDelete).toMatchObject({ id: conv.id, object: 'conversation' });
    const left = await client.conversations.items.list(conv.id);
    expect(left.data.map((i) => i.id)).toEqual([second]);
  });

  it('accepts the include parameter the SDK may send on create, retrieve and list', async () => {
    const conv = await client.conversations.create();
    const include: OpenAI.Responses.ResponseIncludable[] = ['message.input_image.image_url'];
    const added = await client.conversations.items.create(conv.id, { items: [{ role: 'user', content: 'hi' }], include });
    const one = await client.conversations.items.retrieve(added.data[0]!.id!, { conversation_id: conv.id, include });
    expect(one.id).toBe(added.data[0]!.id);
    const listed = await client.conversations.items.list(conv.id, { include });
    expect(listed.data).toHaveLength(1);
  });

  it.each(['asc', 'desc'] as const)('auto-paginates over items with limit 2, order=%s', async (order) => {
    const conv = await client.conversations.create();
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const added = await client.conversations.items.create(conv.id, {
      items: texts.map((text) => ({ type: 'message' as const, role: 'user' as const, content: text })),
    });
    const ids = added.data.map((i) => i.id);

    const seen: string[] = [];
    for await (const item of client.conversations.items.list(conv.id, { limit: 2, order })) {
      seen.push(item.id!);
      if (seen.length > texts.length) break; // a cursor that never advances must fail, not hang
    }
    expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse());

    let page = await client.conversations.items.list(conv.id, { limit: 2, order });
    const sizes = [page.data.length];
    while (page.hasNextPage() && sizes.length <= texts.length) {
      page = await page.getNextPage();
      sizes.push(page.data.length);
    }
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('raises the SDK\'s typed errors with our error body', async () => {
    const missing = await client.conversations.retrieve('conv_missing').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({
      status: 404,
      error: { message: "No conversation found with id 'conv_missing'.", type: 'not_found_error', param: 'conversation_id', code: 'conversation_not_found' },
      code: 'conversation_not_found',
      param: 'conversation_id',
      type: 'not_found_error',
    });

    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const invalid = await client.conversations.create({ metadata: tooMany }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({ status: 400, param: 'metadata', type: 'invalid_request_error' });

    const unauthorized = await sdk('sk_not_a_real_key').conversations.create().catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect(unauthorized).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('works with the configured admin key (JAN_API_KEY) as the SDK\'s apiKey', async () => {
    const admin = sdk(TEST_ADMIN_KEY);
    const conv = await admin.conversations.create({ metadata: { who: 'admin' } });
    expect((await admin.conversations.retrieve(conv.id)).metadata).toEqual({ who: 'admin' });
    // …and it is the admin's own conversation, not the key-holder's.
    await expect(client.conversations.retrieve(conv.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
