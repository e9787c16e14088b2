import type { Services } from '../../create-services.js';
import { endpoint } from '../endpoint.js';
import { PrecompressedBody } from '../precompressed.js';
import { buildOpenApiDocument } from '../openapi-document.js';
import { routes } from './index.js';

/**
 * The document depends only on the route table and the version, both fixed for a server's life, and building
 * it takes 60-400 ms of event-loop time (cold code, busy machine): each server (keyed by its services) builds
 * it once, and start-server builds (and compresses) it just after listening, so that the dashboard's first
 * load (which reads it for its capabilities) does not hold up the requests that arrive with it.
 */
const built = new WeakMap<Services, PrecompressedBody>();

/** The document as JSON bytes (compressed once, see precompressed.ts); builds it on first use. */
export function openApiBodyFor(services: Services): PrecompressedBody {
  let body = built.get(services);
  if (!body) {
    const json = JSON.stringify(buildOpenApiDocument(routes, services.health.version));
    built.set(services, (body = new PrecompressedBody(Buffer.from(json))));
  }
  return body;
}

export const document = endpoint({
  summary: 'This API as an OpenAPI 3.1 document, generated from the schemas that validate requests.',
  tags: ['meta'], access: 'public',
  handle: async ({ ctx }, s) => {
    ctx.type = 'json';
    await openApiBodyFor(s).respond(ctx);
    return undefined;
  },
});
