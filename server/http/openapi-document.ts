/** Builds the OpenAPI 3.1 document from the route table and the zod schemas the endpoints validate with. */
import { z } from 'zod';
import { ErrorEnvelope } from '../api/common.js';
import type { Endpoint } from './endpoint.js';

type Route = readonly [method: string, path: string, endpoint: Endpoint<unknown, unknown, unknown>];

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

/** Query and path schemas become one parameter per property. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const errorResponseOf = (schema: z.ZodType) => ({ description: 'Error', content: { 'application/json': { schema: jsonSchema(schema, 'output') } } });
const errorResponse = errorResponseOf(ErrorEnvelope);

export function buildOpenApiDocument(routes: readonly Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, ep] of routes) {
    const openApiPath = path.replace(/:(\w+)/g, '{$1}');
    const status = String(ep.status ?? 200);
    paths[openApiPath] ??= {};
    paths[openApiPath][method.toLowerCase()] = {
      summary: ep.summary,
      tags: ep.tags,
      security: ep.access === 'public' ? [] : [{ bearer: [] }, { apiKey: [] }],
      // Who may call it (public, user, admin): the dashboard hides what the signed-in role cannot use.
      'x-jan-access': ep.access ?? 'user',
      parameters: [...parameters(ep.params, 'path'), ...parameters(ep.query, 'query')],
      ...(ep.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(ep.body, 'input') } } } }),
      responses: {
        [status]: ep.response
          ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(ep.response, 'output') } } }
          : { description: 'Success' },
        default: ep.errorResponse ? errorResponseOf(ep.errorResponse) : errorResponse,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Jan Server Desktop API', version },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`sk_…`) or an access token.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  };
}
