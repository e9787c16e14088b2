import { endpoint } from '../endpoint.js';
import { buildOpenApiDocument } from '../openapi-document.js';
import { routes } from './index.js';

export const document = endpoint({
  summary: 'This API as an OpenAPI 3.1 document, generated from the schemas that validate requests.',
  tags: ['meta'], access: 'public',
  handle: (_, s) => buildOpenApiDocument(routes, s.health.version),
});
