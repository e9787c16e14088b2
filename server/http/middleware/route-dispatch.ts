/**
 * The router's dispatch without its per-request scan. @koa/router tests every route's regular expression
 * on every request (over a hundred here) and composes a fresh middleware chain for the match; that was
 * the largest fixed cost of a request after Koa itself.
 *
 * Here the routes are indexed once, at start, by their first two static path segments (lower-cased: the
 * router matches case-insensitively), and only the routes of the request's bucket (plus those whose path
 * starts with a parameter) are tested, with the router's own regular expressions and in the router's
 * order, so what matches is exactly what `router.match()` would find. The context gets the same fields
 * the router sets (`matched`, `routeMatched`, `_matchedRoute`, `params`, `captures`, `routerPath`), so
 * `router.allowedMethods()` (405/501/OPTIONS) and the route-template metrics work unchanged. A route with
 * one layer and one handler — every endpoint — is called directly; anything else goes through the
 * router's own middleware.
 */
import type Router from '@koa/router';
import type { AppMiddleware, AppState } from '../types.js';

/** The parts of @koa/router's Layer this file uses (public fields of its Layer class). */
interface Layer {
  path: string | RegExp;
  name?: string | undefined;
  methods: string[];
  paramNames: unknown[];
  stack: AppMiddleware[];
  match(path: string): boolean;
  captures(path: string): string[];
  params(path: string, captures: string[], existing?: Record<string, string>): Record<string, string>;
}

interface RouterContext {
  matched?: Layer[];
  router?: unknown;
  routeMatched?: boolean;
  _matchedRoute?: string | RegExp;
  _matchedRouteName?: string;
  captures?: string[];
  params: Record<string, string>;
  routerPath?: string | RegExp;
  routerName?: string | undefined;
  request: { params?: Record<string, string> };
}

/** `/v1/Conversations/x` → ['v1', 'conversations', 'x']; empty segments are kept (they never match a static one). */
const segmentsOf = (path: string) => path.toLowerCase().split('/').slice(1);

/** The leading segments of a template that are plain text (no `:param`, `*wildcard`, `{optional}`, escapes). */
function staticPrefix(template: string): string[] {
  const out: string[] = [];
  for (const segment of segmentsOf(template)) {
    if (segment === '' || /[:*{}()\\?+]/.test(segment)) break;
    out.push(segment);
  }
  return out;
}

export class RouteIndex {
  /** Layers whose template starts with two static segments, by `a/b`. */
  private readonly byTwo = new Map<string, Layer[]>();
  /** Layers with exactly one leading static segment, by `a`. */
  private readonly byOne = new Map<string, Layer[]>();
  /** Layers with no leading static segment (`/`, `/:x`, RegExp paths): tested on every request. */
  private readonly always: Layer[] = [];
  private readonly order = new Map<Layer, number>();
  /** Candidate lists per bucket key, merged in router order, computed once per key. */
  private readonly merged = new Map<string, Layer[]>();
  /** Templates without parameters (`/v1/health`): a request for exactly that path has its match remembered. */
  private readonly plainPaths = new Set<string>();
  /** Their layers: they capture nothing. */
  readonly plainLayers = new Set<Layer>();
  /** Remembered matches, by path then method; bounded by the plain templates times the methods. */
  private readonly remembered = new Map<string, Map<string, Match>>();

  constructor(stack: readonly Layer[]) {
    stack.forEach((layer, i) => {
      this.order.set(layer, i);
      if (typeof layer.path !== 'string') return void this.always.push(layer);
      if (layer.paramNames.length === 0 && !/[:*{}()\\?+]/.test(layer.path)) {
        this.plainPaths.add(layer.path);
        this.plainLayers.add(layer);
      }
      const prefix = staticPrefix(layer.path);
      if (prefix.length >= 2) push(this.byTwo, `${prefix[0]}/${prefix[1]}`, layer);
      else if (prefix.length === 1) push(this.byOne, prefix[0]!, layer);
      else this.always.push(layer);
    });
  }

  /** Every layer that could match `path`, in router order (a superset of the matches). */
  candidates(path: string): Layer[] {
    const [a = '', b] = segmentsOf(path);
    const key = b === undefined ? a : `${a}/${b}`;
    let list = this.merged.get(key);
    if (list) return list;
    list = [...this.always, ...(this.byOne.get(a) ?? []), ...(b === undefined ? [] : (this.byTwo.get(key) ?? []))];
    list.sort((x, y) => this.order.get(x)! - this.order.get(y)!);
    // Only keys that name a bucket are remembered, so random paths cannot grow the map.
    if (this.byOne.has(a) || this.byTwo.has(key)) this.merged.set(key, list);
    return list;
  }

  /**
   * What `router.match(path, method)` answers, testing only the candidates. The answer for a plain template's
   * own path is remembered, so callers must not change the arrays.
   */
  match(path: string, method: string): Match {
    if (!this.plainPaths.has(path)) return this.test(path, method);
    let byMethod = this.remembered.get(path);
    if (!byMethod) this.remembered.set(path, (byMethod = new Map()));
    let result = byMethod.get(method);
    if (!result) byMethod.set(method, (result = this.test(path, method)));
    return result;
  }

  private test(path: string, method: string): Match {
    const result = { path: [] as Layer[], pathAndMethod: [] as Layer[], route: false };
    const upper = method.toUpperCase();
    for (const layer of this.candidates(path)) {
      if (!layer.match(path)) continue;
      result.path.push(layer);
      if (layer.methods.length === 0 || layer.methods.includes(upper)) {
        result.pathAndMethod.push(layer);
        if (layer.methods.length > 0) result.route = true;
      }
    }
    return result;
  }
}

interface Match {
  path: Layer[];
  pathAndMethod: Layer[];
  route: boolean;
}

function push(map: Map<string, Layer[]>, key: string, layer: Layer): void {
  const list = map.get(key);
  if (list) list.push(layer);
  else map.set(key, [layer]);
}

/**
 * `router.routes()` with the indexed match. Call it after every route is registered. Routers with a `host`
 * or `prefix`/`routerPath` option, or listeners on the router's events, are not supported here (none are used).
 */
export function routeDispatch(router: Router<AppState>): AppMiddleware {
  const index = new RouteIndex((router as unknown as { stack: Layer[] }).stack);
  return (ctx, next) => {
    const context = ctx as unknown as RouterContext;
    const path = ctx.path;
    const match = index.match(path, ctx.method);
    // The match may be remembered (RouteIndex.match): never changed in place.
    context.matched = context.matched ? [...context.matched, ...match.path] : match.path;
    context.router = router;
    context.routeMatched = match.route;
    if (!match.route) return next();
    const layers = match.pathAndMethod;
    // The route layer (the last one with methods) names the route, as the router's _setMatchedRouteInfo does.
    for (let i = layers.length - 1; i >= 0; i--) {
      if (layers[i]!.methods.length === 0) continue;
      context._matchedRoute = layers[i]!.path;
      if (layers[i]!.name) context._matchedRouteName = layers[i]!.name!;
      break;
    }
    if (layers.length === 1 && layers[0]!.stack.length === 1) {
      enter(context, layers[0]!, path, index.plainLayers.has(layers[0]!));
      return layers[0]!.stack[0]!(ctx, next);
    }
    const chain: AppMiddleware[] = [];
    for (const layer of layers) {
      chain.push((c, n) => {
        enter(c as unknown as RouterContext, layer, path, index.plainLayers.has(layer));
        return n();
      }, ...layer.stack);
    }
    const run = (i: number): Promise<unknown> => (i === chain.length ? next() : Promise.resolve(chain[i]!(ctx, () => run(i + 1))));
    return run(0);
  };
}

/** What the router sets when a layer starts handling the request. */
function enter(context: RouterContext, layer: Layer, path: string, plain: boolean): void {
  // A template without parameters captures nothing: what the router would compute, without its regexp run.
  context.captures = plain ? [] : layer.captures(path);
  context.request.params = plain ? { ...context.params } : layer.params(path, context.captures || [], context.params);
  context.params = context.request.params;
  context.routerPath = layer.path;
  context.routerName = layer.name || undefined;
  context._matchedRoute = layer.path;
  if (layer.name) context._matchedRouteName = layer.name;
}
