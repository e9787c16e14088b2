/**
 * The request context's AbortSignal is made on first use, yet behaves as if it had watched the request from
 * the start: aborted when the client leaves before the response is finished (also when first asked for
 * after that), never after a finished response, and by `abort(reason)` before anyone asked. A request that
 * never asks adds no `close` listener. Runs the middleware in a real Koa app on a real socket.
 */
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { requestContext } from '../../server/http/middleware/request-context.js';
import type { AppContext, AppState } from '../../server/http/types.js';

type Handler = (ctx: AppContext) => Promise<void> | void;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(handler: Handler): Promise<string> {
  const app = new Koa<AppState>();
  app.use(requestContext() as Koa.Middleware<AppState>);
  app.use((ctx) => handler(ctx as unknown as AppContext));
  server = createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('request context signal', () => {
  it('is aborted when the client leaves, also when first asked for after it left', async () => {
    const arrivals = new Map<string, () => void>();
    const seen: Record<string, { aborted: boolean; reason: string }> = {};
    const url = await serve(async (ctx) => {
      const early = ctx.path === '/early' ? ctx.state.signal : undefined;
      arrivals.get(ctx.path)!();
      await once(ctx.res, 'close');
      const signal = early ?? ctx.state.signal;
      seen[ctx.path] = { aborted: signal.aborted, reason: (signal.reason as Error | undefined)?.message ?? '' };
    });
    /** Sends a GET and destroys the connection as soon as the server has the request. */
    const leave = async (path: string) => {
      const arrived = new Promise<void>((resolve) => arrivals.set(path, resolve));
      const req = request(`${url}${path}`);
      req.on('error', () => {});
      req.end();
      await arrived;
      req.destroy();
    };
    await leave('/early');
    await leave('/late');
    await expect.poll(() => Object.keys(seen).length).toBe(2);
    expect(seen).toEqual({
      '/early': { aborted: true, reason: 'client disconnected' },
      '/late': { aborted: true, reason: 'client disconnected' },
    });
  });

  it('is not aborted by a finished response, and adds a close listener only when asked for', async () => {
    const listeners: number[] = [];
    let after: AbortSignal | undefined;
    const url = await serve((ctx) => {
      listeners.push(ctx.res.listenerCount('close'));
      if (ctx.path === '/ask') after = ctx.state.signal;
      listeners.push(ctx.res.listenerCount('close'));
      ctx.body = { requestId: ctx.state.requestId };
    });
    const res = await fetch(`${url}/ask`, { headers: { 'x-request-id': 'client-id-1' } });
    expect(await res.json()).toEqual({ requestId: 'client-id-1' });
    expect(res.headers.get('x-request-id')).toBe('client-id-1');
    await fetch(`${url}/quiet`).then((r) => r.text());
    expect(listeners).toEqual([listeners[0], listeners[0]! + 1, listeners[0], listeners[0]]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(after?.aborted).toBe(false);
  });

  it('abort(reason) before anyone asked leaves the signal aborted with that reason', async () => {
    const reason = new Error('timed out');
    let signal: AbortSignal | undefined;
    const url = await serve((ctx) => {
      ctx.state.abort(reason);
      signal = ctx.state.signal;
      ctx.body = 'ok';
    });
    const res = await fetch(url);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe('ok');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(reason);
  });
});
