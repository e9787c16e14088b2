import type Koa from 'koa';
import type { Principal } from '../auth/index.js';

export interface AppState {
  requestId: string;
  /** Aborted when the client goes away or the request times out; pass it to long work. */
  signal: AbortSignal;
  /** Aborts `signal` (used by the timeout). */
  abort(reason?: unknown): void;
  principal?: Principal;
}

/** What @koa/router adds to the context. */
export interface RouterFields {
  params: Record<string, string>;
  _matchedRoute?: string | RegExp;
}

export type AppContext = Koa.ParameterizedContext<AppState, RouterFields>;
export type AppMiddleware = Koa.Middleware<AppState, RouterFields>;
