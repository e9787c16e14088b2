import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/query-keys.js';
import { capabilities } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { FIRST_KEY_NAME, FirstRunCard, useFirstRun } from './FirstRunCard.js';

const model = (id: string) => ({
  id, object: 'model', created: 1, owned_by: 'local', status: 'unloaded', size_bytes: 1, architecture: null, parameters: null,
  quantization: null, context_length: null, error: null,
});

/** A server whose model list the test can change, and that makes keys. */
function firstRunServer() {
  const state = { models: [] as string[], keyBodies: [] as unknown[] };
  const routes = {
    'GET /v1/models': () => ({ object: 'list', data: state.models.map(model) }),
    'POST /auth/api-keys': ({ body }: { body: unknown }) => {
      state.keyBodies.push(body);
      return { id: 'key_1', object: 'api_key', name: FIRST_KEY_NAME, prefix: 'sk_first', suffix: 'zzzz', created_at: 1, expires_at: null, last_used_at: null, key: 'sk_first_secret_zzzz' };
    },
  };
  return { state, routes };
}

/** What a page does: the card only while there is no model. */
function Page() {
  return useFirstRun() ? <FirstRunCard /> : <p>models here</p>;
}

const ALL = capabilities('POST /auth/api-keys', 'POST /v1/models/import');

describe('FirstRunCard', () => {
  let writeText: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the API URL of this origin with a copy button', async () => {
    renderPage(<Page />, { routes: firstRunServer().routes, capabilities: ALL });
    const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    expect(within(card).getByTestId('first-run-url').textContent).toBe(`${window.location.origin}/v1`);
    fireEvent.click(within(card).getByRole('button', { name: 'Copy the API URL' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/v1`));
    expect(within(card).getByRole('button', { name: 'Copy the API URL' }).textContent).toBe('Copied');
  });

  it('says to copy by hand where the page has no clipboard (plain http on the LAN)', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    renderPage(<Page />, { routes: firstRunServer().routes, capabilities: ALL });
    fireEvent.click(await screen.findByRole('button', { name: 'Copy the API URL' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copy the API URL' }).textContent).toBe('Select and copy it'));
  });

  it('creates an API key named "first app", shows it once with a copy button, and refreshes the key list', async () => {
    const server = firstRunServer();
    const { calls, queryClient } = renderPage(<Page />, { routes: server.routes, capabilities: ALL });
    queryClient.setQueryData(queryKeys.apiKeys, { object: 'list', items: [], total: 0 });
    fireEvent.click(await screen.findByRole('button', { name: 'Create an API key' }));
    expect((await screen.findByTestId('first-run-key')).textContent).toBe('sk_first_secret_zzzz');
    expect(server.state.keyBodies).toEqual([{ name: 'first app', expires_in_days: null }]);
    expect(screen.queryByRole('button', { name: 'Create an API key' })).toBeNull();
    expect(screen.getByText(/it is not shown again/).textContent).toContain('“first app”');
    fireEvent.click(screen.getByRole('button', { name: 'Copy the API key' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('sk_first_secret_zzzz'));
    expect(calls.filter((c) => c === 'POST /auth/api-keys')).toHaveLength(1);
    // Settings' list is read again when next shown.
    expect(queryClient.getQueryState(queryKeys.apiKeys)?.isInvalidated).toBe(true);
  });

  it('shows why when the key could not be made', async () => {
    const server = firstRunServer();
    const routes = {
      ...server.routes,
      'POST /auth/api-keys': () => new Response(JSON.stringify({ error: { message: 'Too many keys.', type: 'invalid_request_error', param: null, code: null } }), { status: 400 }),
    };
    renderPage(<Page />, { routes, capabilities: ALL });
    fireEvent.click(await screen.findByRole('button', { name: 'Create an API key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No key was created: Too many keys.');
    expect(screen.getByRole('button', { name: 'Create an API key' })).toBeTruthy();
  });

  it('says where models come from and links to the Models page import', async () => {
    renderPage(<Page />, { routes: firstRunServer().routes, capabilities: ALL });
    const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    expect(card.textContent).toContain('Q4_K_M');
    expect(card.textContent).toContain('JAN_MODELS_DIR');
    expect(within(card).getByRole('link', { name: 'Hugging Face' }).getAttribute('href')).toBe('https://huggingface.co/models?library=gguf');
    expect(within(card).getByRole('link', { name: 'Import a model…' }).getAttribute('href')).toBe('#/models');
  });

  it('leads to the Hub first where the server has one, with the import as the second way', async () => {
    renderPage(<Page />, { routes: firstRunServer().routes, capabilities: capabilities('POST /v1/models/import', 'GET /v1/hub/models') });
    const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    const links = within(card).getAllByRole('link').filter((a) => a.classList.contains('button'));
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.classList.contains('primary')])).toEqual([
      ['Get a model from the Hub…', '#/hub', true],
      ['Import a model…', '#/models', false],
    ]);
    expect(card.textContent).toContain('JAN_MODELS_DIR');
  });

  it('offers only what the server can do', async () => {
    renderPage(<Page />, { routes: firstRunServer().routes, capabilities: capabilities() });
    const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    expect(within(card).queryByRole('button', { name: 'Create an API key' })).toBeNull();
    expect(within(card).queryByRole('link', { name: 'Import a model…' })).toBeNull();
    expect(within(card).queryByRole('link', { name: 'Get a model from the Hub…' })).toBeNull();
    expect(within(card).getByTestId('first-run-url')).toBeTruthy();
  });

  it('goes away by itself once a model is listed (the empty list is read again every few seconds)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const server = firstRunServer();
    const { calls } = renderPage(<Page />, { routes: server.routes, capabilities: ALL });
    await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    server.state.models.push('tiny');
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Welcome to Jan Server' })).toBeNull());
    expect(screen.getByText('models here')).toBeTruthy();
    // With a model listed, the polling stops.
    const reads = calls.filter((c) => c === 'GET /v1/models').length;
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(calls.filter((c) => c === 'GET /v1/models')).toHaveLength(reads);
  });

  it('never shows while the list is loading or failed', async () => {
    const routes = { 'GET /v1/models': () => new Response('{"error":{"message":"down","type":"server_error","param":null,"code":null}}', { status: 500 }) };
    const { calls } = renderPage(<Page />, { routes, capabilities: ALL });
    expect(screen.queryByRole('region', { name: 'Welcome to Jan Server' })).toBeNull();
    await waitFor(() => expect(calls).toContain('GET /v1/models'));
    await screen.findByText('models here');
    expect(screen.queryByRole('region', { name: 'Welcome to Jan Server' })).toBeNull();
  });
});
