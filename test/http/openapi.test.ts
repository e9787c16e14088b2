/**
 * `GET /v1/openapi.json` against the route table: every route is there with its method, `{param}` paths,
 * parameters and request body schemas, and the document is structurally valid OpenAPI 3.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routes } from '../../server/http/routes/index.js';
import { readVersion } from '../../server/version.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** POST routes that legitimately take no JSON body; a new one must be added here on purpose. */
const BODYLESS_WRITES = new Set([
  'POST /auth/guest-login',
  'POST /auth/sessions', // the API key in the request's headers is all it takes
  'POST /dashboard/logout',
  'POST /auth/logout',
  'POST /v1/admin/members/:id/reset', // a new reset link for the member named in the path
  'POST /v1/admin/settings/restart', // restarts with the saved settings; nothing to send
  'POST /v1/models/:id/load', // actions on the model named in the path
  'POST /v1/models/:id/unload',
  'POST /v1/models/pulls/:id/pause', // actions on the pull named in the path
  'POST /v1/models/pulls/:id/resume',
  'POST /v1/import', // JSON Lines, read as a stream
  'POST /v1/media/upload', // multipart
  'POST /v1/files', // multipart: `file` and `purpose`
  'POST /v1/media/uploads', // tus: the file's bytes, not JSON
  'PATCH /v1/media/uploads/:id',
  'PUT /v1/media/signed/:id', // presigned upload of raw bytes
  'POST /media/v1/media', // Jan's ingest reads JSON with the media size limit, not the API's body limit
]);

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: object;
}
interface Operation {
  summary: string;
  tags: string[];
  security: unknown[];
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: { type?: string; properties?: object; required?: string[] } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is checked field by field below
type Doc = any;

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('GET /v1/openapi.json', () => {
  let server: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = res.json;
  });
  afterAll(() => server.close());

  const operation = (method: string, path: string): Operation => doc.paths[openApiPath(path)]?.[method.toLowerCase()];

  it('is an OpenAPI 3.1 document with info and both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Jan Server Desktop API', version: readVersion() });
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', description: expect.any(String) },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  it('has exactly the operations of the route table', () => {
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const table = routes.map(([method, path]) => `${method} ${openApiPath(path)}`);
    expect(documented.sort()).toEqual([...new Set(table)].sort());
  });

  it('uses {param} path templates whose every parameter is declared, required and in: path', () => {
    for (const path of Object.keys(doc.paths)) {
      expect(path, path).toMatch(/^\//);
      expect(path, path).not.toContain(':');
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(doc.paths[path] as Record<string, Operation>)) {
        expect(HTTP_METHODS.has(method), `${method} ${path}`).toBe(true);
        const pathParams = op.parameters.filter((p) => p.in === 'path');
        expect(pathParams.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        for (const p of pathParams) expect(p, `${method} ${path}`).toMatchObject({ required: true, schema: { type: 'string' } });
      }
    }
  });

  it('gives every operation a summary, tags, a success response and its error body', () => {
    for (const [method, path, ep] of routes) {
      const op = operation(method, path);
      const where = `${method} ${path}`;
      expect(op.summary, where).toBe(ep.summary);
      expect(op.tags, where).toEqual(ep.tags);
      expect(Object.keys(op.responses).sort(), where).toEqual([String(ep.status ?? 200), 'default'].sort());
      // OpenAI's envelope, or the error body the route declares (Anthropic's on /v1/messages, Ollama's on /api/*).
      const errorSchema = op.responses.default!.content!['application/json']!.schema;
      if (ep.errorResponse) {
        expect(errorSchema, where).toEqual(z.toJSONSchema(ep.errorResponse, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }));
        expect(errorSchema, where).toMatchObject({ type: 'object', required: expect.arrayContaining(['error']) });
      } else {
        expect(errorSchema, where).toMatchObject({
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['message', 'type', 'param', 'code'] } },
        });
      }
      expect(op.security, where).toEqual(ep.access === 'public' ? [] : [{ bearer: [] }, { apiKey: [] }]);
      for (const p of op.parameters) expect(['path', 'query'], where).toContain(p.in);
    }
  });

  it("marks each operation with who may call it, as the route table says (the dashboard hides admin-only actions)", () => {
    for (const [method, path, ep] of routes) {
      const op = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)[path.replace(/:(\w+)/g, '{$1}')]![method.toLowerCase()]!;
      expect(op['x-jan-access'], `${method} ${path}`).toBe(ep.access ?? 'user');
    }
    expect(routes.some(([, , ep]) => ep.access === 'admin')).toBe(true);
  });

  it('documents a JSON request body for every POST, PUT and PATCH route that reads one', () => {
    for (const [method, path, ep] of routes) {
      const op = operation(method, path);
      const where = `${method} ${path}`;
      if (method === 'GET' || method === 'DELETE') {
        expect(op.requestBody, where).toBeUndefined();
        continue;
      }
      if (BODYLESS_WRITES.has(where)) {
        expect(ep.body, where).toBeUndefined();
        continue;
      }
      expect(ep.body, `${where} declares no body schema`).toBeDefined();
      expect(op.requestBody, where).toMatchObject({ required: true, content: { 'application/json': { schema: expect.any(Object) } } });
    }
  });

  it('generates the body and query schemas from the zod schemas', () => {
    const project = operation('POST', '/v1/projects').requestBody!.content['application/json']!.schema;
    expect(project).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 120 }, is_favorite: { type: 'boolean' } },
    });
    const key = operation('POST', '/auth/api-keys').requestBody!.content['application/json']!.schema;
    expect(key).toMatchObject({ required: ['name'], properties: { name: { type: 'string' } } });

    const list = operation('GET', '/v1/conversations').parameters;
    expect(list.map((p) => p.name).sort()).toEqual(['after', 'limit', 'order', 'project_id']);
    expect(list.find((p) => p.name === 'order')).toMatchObject({ in: 'query', required: false, schema: { enum: ['asc', 'desc'] } });
    expect(list.find((p) => p.name === 'limit')).toMatchObject({ required: false, schema: { maximum: 100 } });
  });

  it('describes the response shapes of the success answers', () => {
    const created = operation('POST', '/auth/api-keys').responses['201']!.content!['application/json']!.schema;
    expect(created).toMatchObject({ type: 'object', properties: { key: { type: 'string' }, id: { type: 'string' } } });
    const health = operation('GET', '/v1/health').responses['200']!.content!['application/json']!.schema;
    expect(health).toMatchObject({ properties: { status: { enum: ['ok', 'degraded', 'unavailable'] } } });
    expect(operation('DELETE', '/auth/api-keys/:id').responses['204']).toEqual({ description: 'Success' });
  });

  it('is reachable without credentials and ignores bad ones', async () => {
    const res = await server.request('/v1/openapi.json', { token: 'garbage' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(doc);
  });
});
