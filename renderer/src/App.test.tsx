import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createApi, type Api } from './api/index.js';
import { createQueryClient } from './api/query-client.js';
import { queryKeys } from './api/query-keys.js';
import { App } from './App.js';
import { fakeFetch } from './test/fixtures.js';

const unauthorized = () => new Response(JSON.stringify({ error: { message: 'Missing or invalid credentials.', type: 'authentication_error', param: null, code: 'invalid_api_key' } }), { status: 401 });

const healthOk = { status: 'ok', version: '9.9.9', uptime_seconds: 1, database: { status: 'ok', schema_version: 1, journal_mode: 'wal' } };

/**
 * A server with one valid API key, `sk_good`, which `POST /auth/sessions` turns into a session (a browser would
 * keep the cookie; here the fake remembers it), and which nothing else accepts as Bearer: the dashboard must
 * work on the session alone. Records the Authorization header of every request.
 */
function server(authorizations: (string | null)[], health: () => unknown = () => healthOk, options: { loggedIn?: boolean } = {}) {
  let session = options.loggedIn ?? false;
  const guard = (answer: () => unknown) => () => (session ? answer() : unauthorized());
  const routes = {
    'POST /auth/sessions': ({ authorization }: { authorization: string | null }) => {
      if (authorization !== 'Bearer sk_good') return unauthorized();
      session = true;
      return new Response(JSON.stringify({ id: 'sess_1', object: 'session', user_id: 'u1', created_at: 1, expires_at: 2, last_seen_at: 1, created_by_api_key_id: 'key_1', user_agent: null, ip: null, current: true }), { status: 201 });
    },
    'POST /dashboard/logout': () => {
      session = false;
      return undefined;
    },
    'GET /auth/me': guard(() => ({ id: 'u1', object: 'user', name: 'Owner', role: 'admin', auth_method: 'session', created_at: 1 })),
    'GET /v1/openapi.json': guard(() => ({ paths: {} })),
    'GET /v1/health': guard(health),
  };
  const fetch: typeof globalThis.fetch = (input, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    authorizations.push(authorization);
    const key = `${init?.method ?? 'GET'} ${new URL(String(input), 'http://dashboard.test').pathname}`;
    const handler = routes[key as keyof typeof routes] as ((request: { authorization: string | null }) => unknown) | undefined;
    return fakeFetch(handler ? { [key]: () => handler({ authorization }) } : {})(input, init);
  };
  return fetch;
}

/** The app as main.tsx mounts it, with a query cache of its own. */
function renderApp(api: Api) {
  const queryClient = createQueryClient();
  render(<QueryClientProvider client={queryClient}><App api={api} /></QueryClientProvider>);
  return queryClient;
}

describe('App', () => {
  it('without a session shows how to log in, and turns an API key into a session, keeping the key nowhere', async () => {
    const authorizations: (string | null)[] = [];
    renderApp(createApi({ fetch: server(authorizations) }));
    expect(await screen.findByRole('heading', { name: 'Log in to the dashboard' })).toBeTruthy();
    expect(authorizations.every((a) => a === null)).toBe(true);

    fireEvent.change(screen.getByLabelText('Or use an API key'), { target: { value: 'sk_good' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('v9.9.9')).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toContain('Conversations');
    // The key went to POST /auth/sessions once; everything after rides on the session.
    expect(authorizations.filter((a) => a !== null)).toEqual(['Bearer sk_good']);
    expect(authorizations.at(-1)).toBeNull();
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.getItem('jan-api-key')).toBeNull();
  });

  it('says so when the key is rejected, and stays on the login screen', async () => {
    renderApp(createApi({ fetch: server([]) }));
    fireEvent.change(await screen.findByLabelText('Or use an API key'), { target: { value: 'sk_bad' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That API key was not accepted.');
    expect(screen.getByRole('heading', { name: 'Log in to the dashboard' })).toBeTruthy();
    expect(sessionStorage.length).toBe(0);
  });

  it('shows a degraded server and why in the sidebar, and nothing once it is ok again', async () => {
    let health: unknown = { ...healthOk, status: 'degraded', degraded_reasons: ['disk_full'] };
    const queryClient = renderApp(createApi({ fetch: server([], () => health, { loggedIn: true }) }));
    expect((await screen.findByText('Degraded: disk full')).getAttribute('role')).toBe('status');
    health = healthOk;
    await queryClient.invalidateQueries({ queryKey: queryKeys.health });
    await waitFor(() => expect(screen.queryByText(/^Degraded/)).toBeNull());
  });

  it('logs out on the server, back to the login screen, and forgets what the pages had fetched', async () => {
    const calls: (string | null)[] = [];
    const queryClient = renderApp(createApi({ fetch: server(calls, undefined, { loggedIn: true }) }));
    await screen.findByText('v9.9.9');
    queryClient.setQueryData(queryKeys.apiKeys, { object: 'list', items: [], total: 0 });
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Log in to the dashboard' })).toBeTruthy();
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.apiKeys)).toBeUndefined());
    expect(queryClient.getQueryData(queryKeys.session)).toEqual({ in: false });
  });
});
