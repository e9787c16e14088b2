import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createApi, type Api } from './api/index.js';
import { createQueryClient } from './api/query-client.js';
import { queryKeys } from './api/query-keys.js';
import { App } from './App.js';
import { fakeFetch } from './test/fixtures.js';
import { storedApiKey } from './pages/Login.js';

const unauthorized = () => new Response(JSON.stringify({ error: { message: 'Missing or invalid credentials.', type: 'authentication_error', param: null, code: 'invalid_api_key' } }), { status: 401 });

/** A server that accepts exactly one API key as Bearer, and no session. */
function server(authorizations: (string | null)[]) {
  let lastAuth: string | null = null;
  const guard = (answer: unknown) => () => (lastAuth === 'Bearer sk_good' ? answer : unauthorized());
  const routes = {
    'GET /auth/me': guard({ id: 'u1', object: 'user', name: 'Owner', role: 'admin', auth_method: 'api_key', created_at: 1 }),
    'GET /v1/openapi.json': guard({ paths: {} }),
    'GET /v1/health': guard({ status: 'ok', version: '9.9.9', uptime_seconds: 1, database: { status: 'ok', schema_version: 1, journal_mode: 'wal' } }),
  };
  const inner = fakeFetch(routes);
  const fetch: typeof globalThis.fetch = (input, init) => {
    lastAuth = new Headers(init?.headers).get('authorization');
    authorizations.push(lastAuth);
    return inner(input, init);
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
  it('without a session shows how to log in, and logs in with an API key', async () => {
    const authorizations: (string | null)[] = [];
    renderApp(createApi({ fetch: server(authorizations), apiKey: storedApiKey }));
    expect(await screen.findByRole('heading', { name: 'Log in to the dashboard' })).toBeTruthy();
    expect(authorizations.every((a) => a === null)).toBe(true);

    fireEvent.change(screen.getByLabelText('Or use an API key'), { target: { value: 'sk_good' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('v9.9.9')).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toContain('Conversations');
    expect(authorizations.at(-1)).toBe('Bearer sk_good');
    expect(sessionStorage.getItem('jan-api-key')).toBe('sk_good');
  });

  it('forgets a rejected key and says so', async () => {
    sessionStorage.setItem('jan-api-key', 'sk_bad');
    renderApp(createApi({ fetch: server([]), apiKey: storedApiKey }));
    expect((await screen.findByRole('alert')).textContent).toBe('That API key was not accepted.');
    expect(sessionStorage.getItem('jan-api-key')).toBeNull();
  });

  it('logs out back to the login screen and forgets what the pages had fetched', async () => {
    sessionStorage.setItem('jan-api-key', 'sk_good');
    const queryClient = renderApp(createApi({ fetch: server([]), apiKey: storedApiKey }));
    await screen.findByText('v9.9.9');
    queryClient.setQueryData(queryKeys.apiKeys, { object: 'list', items: [], total: 0 });
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Log in to the dashboard' })).toBeTruthy();
    expect(sessionStorage.getItem('jan-api-key')).toBeNull();
    await waitFor(() => expect(queryClient.getQueryData(queryKeys.apiKeys)).toBeUndefined());
    expect(queryClient.getQueryData(queryKeys.session)).toEqual({ in: false, rejected: false });
  });
});
