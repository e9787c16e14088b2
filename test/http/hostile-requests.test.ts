/**
 * Every route of the route table gets malformed input — invalid JSON, values of the wrong type, huge
 * strings, arrays instead of objects, null bytes, hostile path ids — and must answer a 4xx with exactly the
 * error envelope (or the error body the route declares, e.g. Anthropic's). Afterwards the server still
 * answers and the data made before is unchanged.
 *
 * The attacks are derived from each endpoint's own schemas, so new routes are covered as they are added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Endpoint } from '../../server/http/endpoint.js';
import { routes } from '../../server/http/routes/index.js';
import { expectEnvelopeShape } from '../support/error-envelope.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const BODY_LIMIT = 256 * 1024;

const INVALID_JSON = ['{"name":', '{', '[', '}{', '{"a" 1}', "{'a':1}", 'undefined', '{"name":"a\u0000b"}', '\u0000'];
const NOT_OBJECTS = ['[]', '[{}]', 'null', '0', '"text"', 'true', `${'['.repeat(20_000)}${']'.repeat(20_000)}`];
/** Candidate values for a property; each is sent only where the property's own schema rejects it. */
const WRONG_VALUES: unknown[] = [{ $gt: '' }, [1, 2], [], 12345, -1, 1.5, true, '', 'x'.repeat(100_000), { toString: 'x' }];
const HOSTILE_IDS = ['..%2F..%2Fetc%2Fpasswd', '../../etc/passwd', '%2e%2e', '%00', 'a%00b', 'a'.repeat(10_240), '%E0%A4%A', "x'%20OR%20'1'%3D'1"];

type AnyEndpoint = Endpoint<unknown, unknown, unknown>;
const shapeOf = (schema: z.ZodType | undefined) => (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};
const label = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}… (${s.length} chars)` : s);

describe('hostile requests against every route', () => {
  let server: TestServer;
  let token: string;
  /** Real ids by path parameter and route prefix, so that body attacks reach existing objects. */
  let ids: { conversation: string; item: string; project: string; key: string };
  let snapshot: unknown;

  const get = (path: string) => server.request(path, { token }).then((r) => ({ status: r.status, body: r.json }));
  const takeSnapshot = async () => ({
    conversation: await get(`/v1/conversations/${ids.conversation}`),
    items: await get(`/v1/conversations/${ids.conversation}/items?order=asc`),
    conversations: await get('/v1/conversations'),
    project: await get(`/v1/projects/${ids.project}`),
    projects: await get('/v1/projects'),
    keys: await get('/auth/api-keys'),
    me: await get('/auth/me'),
  });

  beforeAll(async () => {
    server = await startTestServer({ bodyLimitBytes: BODY_LIMIT });
    token = await server.guestToken();
    const project = await server.request('/v1/projects', { method: 'POST', token, body: { name: 'keep me', instruction: 'be terse' } });
    const conversation = await server.request('/v1/conversations', {
      method: 'POST', token,
      body: { title: 'keep me', metadata: { a: '1' }, project_id: project.json.id, items: [{ role: 'user', content: 'hello' }] },
    });
    const items = await server.request(`/v1/conversations/${conversation.json.id}/items`, { token });
    const key = await server.request('/auth/api-keys', { method: 'POST', token, body: { name: 'keep me' } });
    ids = { conversation: conversation.json.id, item: items.json.data[0].id, project: project.json.id, key: key.json.id };
    snapshot = await takeSnapshot();
  });
  afterAll(() => server.close());

  /** The route's path with every parameter replaced by a real id (or `override` for one of them). */
  function pathFor(path: string, override?: { param: string; value: string }): string {
    return path.replace(/:(\w+)/g, (_, param: string) => {
      if (override?.param === param) return override.value;
      if (param === 'item_id') return ids.item;
      if (path.startsWith('/v1/conversations')) return ids.conversation;
      if (path.startsWith('/v1/projects')) return ids.project;
      if (path.startsWith('/auth/api-keys')) return ids.key;
      return 'no_such_id';
    });
  }

  const credentialFor = (ep: AnyEndpoint) => (ep.access === 'admin' ? TEST_ADMIN_KEY : token);

  function send(method: string, path: string, ep: AnyEndpoint, body?: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(server.url, {
      method, path,
      headers: { authorization: `Bearer ${credentialFor(ep)}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body,
    });
  }

  /** The error body is the route's: OpenAI's envelope, or the schema it declares (Anthropic's on /v1/messages). */
  function expectRejected(res: RawResponse, what: string, ep?: AnyEndpoint): void {
    expect(res.status, `${what}: ${res.body.toString('utf8').slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
    expect(res.headers['content-type'] ?? '', what).toMatch(/^application\/json/);
    if (ep?.errorResponse) expect(ep.errorResponse.safeParse(res.json).success, `${what}: ${JSON.stringify(res.json)}`).toBe(true);
    else expectEnvelopeShape(res.json);
  }

  const bodyRoutes = routes.filter(([, , ep]) => ep.body !== undefined);
  const paramRoutes = routes.filter(([, path]) => path.includes(':'));
  const queryRoutes = routes.filter(([, , ep]) => Object.keys(shapeOf(ep.query)).length > 0);
  const privateRoutes = routes.filter(([, , ep]) => ep.access !== 'public');

  it('the route table has routes of every kind to attack', () => {
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(5);
    expect(paramRoutes.length).toBeGreaterThanOrEqual(5);
    expect(queryRoutes.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(bodyRoutes.map(([method, path, ep]) => ({ method, path, ep })))('$method $path body', ({ method, path, ep }) => {
    it('rejects invalid JSON, raw null bytes, JSON that is not an object, and deep nesting in any property', async () => {
      for (const body of [...INVALID_JSON, ...NOT_OBJECTS]) expectRejected(await send(method, pathFor(path), ep, body), label(body), ep);
      for (const name of Object.keys(shapeOf(ep.body))) {
        const body = `{${JSON.stringify(name)}:${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
        expectRejected(await send(method, pathFor(path), ep, body), `${name} nested 20,000 deep`, ep);
      }
    });

    it('rejects each property given a value its schema refuses, also beside prototype keys', async () => {
      const wrong = Object.entries(shapeOf(ep.body)).flatMap(([name, schema]) =>
        WRONG_VALUES.filter((v) => !schema.safeParse(v).success).map((value) => ({ name, value })),
      );
      expect(wrong.length).toBeGreaterThan(0);
      for (const { name, value } of wrong) {
        const body = JSON.stringify({ [name]: value });
        expectRejected(await send(method, pathFor(path), ep, body), `${name} = ${label(JSON.stringify(value))}`, ep);
      }
      const { name, value } = wrong[0]!;
      const polluting = `{"__proto__":{"role":"admin"},"constructor":{"prototype":{"polluted":1}},${JSON.stringify(name)}:${JSON.stringify(value)}}`;
      expectRejected(await send(method, pathFor(path), ep, polluting), '__proto__', ep);
      expect(({} as Record<string, unknown>).role).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('rejects a body over the limit, and a non-JSON Content-Type', async () => {
      const huge = JSON.stringify({ [Object.keys(shapeOf(ep.body))[0] ?? 'x']: 'y'.repeat(BODY_LIMIT) });
      const tooLarge = await send(method, pathFor(path), ep, huge);
      expectRejected(tooLarge, 'over the limit', ep);
      expect(tooLarge.status).toBe(413);
      const typed = await send(method, pathFor(path), ep, '{}', { 'content-type': 'text/plain' });
      expectRejected(typed, 'text/plain', ep);
      expect(typed.status).toBe(415);
    });
  });

  describe.each(paramRoutes.map(([method, path, ep]) => ({ method, path, ep })))('$method $path ids', ({ method, path, ep }) => {
    it('rejects ../, null bytes, bad escapes and 10 KB ids in every path parameter', async () => {
      for (const param of [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!)) {
        for (const value of HOSTILE_IDS) {
          const body = ep.body ? '{}' : undefined;
          expectRejected(await send(method, pathFor(path, { param, value }), ep, body), `${param} = ${label(value)}`, ep);
        }
      }
    });
  });

  describe.each(queryRoutes.map(([method, path, ep]) => ({ method, path, ep })))('$method $path query', ({ method, path, ep }) => {
    it('rejects 10 KB values and repeated parameters', async () => {
      for (const name of Object.keys(shapeOf(ep.query))) {
        for (const query of [`${name}=${'q'.repeat(10_240)}`, `${name}=1&${name}=2`]) {
          expectRejected(await send(method, `${pathFor(path)}?${query}`, ep), label(query), ep);
        }
      }
    });
  });

  it('refuses a deeply nested value hidden where a schema passes unknown keys through', async () => {
    // Item content parts keep unknown keys; 100,000 levels used to overflow JSON.stringify in the store (a 500).
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = `{"items":[{"role":"user","content":[{"type":"input_text","text":"x","extra":${deep}}]}]}`;
    const res = await rawRequest(server.url, {
      method: 'POST', path: `/v1/conversations/${ids.conversation}/items`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body,
    });
    expectRejected(res, 'deep');
    expect(res.json.error.code).toBe('json_too_deep');
  });

  it('every non-public route refuses a request without credentials with a 401 envelope', async () => {
    for (const [method, path, ep] of privateRoutes) {
      const res = await rawRequest(server.url, { method, path: pathFor(path), headers: { 'content-type': 'application/json' }, body: '{}' });
      expectRejected(res, `${method} ${path}`, ep);
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('still answers afterwards, with the data made before unchanged', async () => {
    expect((await server.request('/healthz')).json).toEqual({ status: 'ok' });
    expect(await takeSnapshot()).toEqual(snapshot);
  });
});
