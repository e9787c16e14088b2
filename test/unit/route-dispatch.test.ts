/**
 * The indexed route match (http/middleware/route-dispatch.ts) against @koa/router's own scan, over the real
 * route table: for every route, its path with parameters filled in, upper-cased, with a trailing slash, with
 * a segment more or less, doubled slashes and encoded characters, under every method, both must find the
 * same layers in the same order.
 */
import Router from '@koa/router';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../server/create-services.js';
import { mountEndpoint, type EndpointContext } from '../../server/http/endpoint.js';
import { RouteIndex } from '../../server/http/middleware/route-dispatch.js';
import { routes } from '../../server/http/routes/index.js';
import type { AppState } from '../../server/http/types.js';

const env = { services: { responseCache: { enabled: false } } as unknown as Services, bodyLimitBytes: 1, defaultTimeoutMs: 1 } satisfies EndpointContext;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'get'];

function probes(template: string): string[] {
  const filled = template.replace(/:(\w+)/g, (_, name: string) => `${name}_x1`);
  return [
    filled, filled.toUpperCase(), `${filled}/`, `${filled}//`, `${filled}/extra`, filled.replace(/\/[^/]*$/, '') || '/',
    `/${filled}`, filled.replace(/\//g, '//'), filled.replace(/o/, '%6F'), `${filled}%2Fx`, filled.replace(/_x1/g, ''),
    filled.replace(/_x1/, 'a%2Fb'), filled.replace(/v1/, 'V1'),
  ];
}

describe('RouteIndex', () => {
  const router = new Router<AppState>();
  for (const [method, path, ep] of routes) mountEndpoint(router, method, path, ep, env);
  const index = new RouteIndex(router.stack as never);

  it('matches exactly what the router matches, on every route and its variants', () => {
    const paths = new Set(['/', '', '//', '/nope', '/v1', '/v1/', '/API/TAGS', '/assets/', '/assets/app.js', '/v1/\u212Aey', '/v1/conver\u017Fations']);
    for (const [, path] of routes) for (const probe of probes(path)) paths.add(probe);
    let compared = 0;
    for (const path of paths) {
      for (const method of METHODS) {
        const expected = router.match(path, method);
        const actual = index.match(path, method);
        expect({ path, method, layers: actual.path.map((l) => l.path), route: actual.route }).toEqual({
          path, method, layers: expected.path.map((l) => l.path), route: expected.route,
        });
        expect(actual.pathAndMethod).toEqual(expected.pathAndMethod);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(routes.length * 5 * METHODS.length);
  });
});
