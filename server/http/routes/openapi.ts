import { endpoint } from '../endpoint.js';
import { buildOpenApiDocument } from '../openapi-document.js';
import { routes } from './index.js';

/**
 * The document depends only on the route table and the version, both fixed for a server's life, and building
 * it takes tens of milliseconds of event-loop time: each server (keyed by its services) builds it once.
 */
const built = new WeakMap<object, ReturnType<typeof buildOpenApiDocument>>();

export const document = endpoint({
  summary: 'This API as an OpenAPI 3.1 document, generated from the schemas that validate requests.',
  tags: ['meta'], access: 'public',
  handle: (_, s) => {
    let doc = built.get(s);
    if (!doc) built.set(s, (doc = buildOpenApiDocument(routes, s.health.version)));
    return doc;
  },
});
