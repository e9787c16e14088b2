import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useHashRoute } from '../lib/hash-route.js';
import { capabilities, sseResponse } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Chat } from './Chat.js';

/** The chat as the app shows it: its conversation is the one in the address (`#/chat/conv_…`). */
function RoutedChat() {
  return <Chat arg={useHashRoute().arg} />;
}

/** Saved items as the server lists them (the fixture keeps what the page posted). */
const asItems = (saved: unknown[]) =>
  (saved as { role: string; content: string; status?: string }[]).map((m, i) => ({
    id: `msg_${i + 1}`, type: 'message', role: m.role, status: m.status ?? 'completed', created_at: 1,
    content: [{ type: m.role === 'user' ? 'input_text' : 'output_text', text: m.content }],
  }));

const chunk = (content: string, finish: string | null = null) => JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

function chatServer(opts: { models?: string[]; holdAfter?: number } = {}) {
  const saved: unknown[] = [];
  const requests: unknown[] = [];
  const routes = {
    'GET /v1/models': () => ({ object: 'list', data: (opts.models ?? ['tiny']).map((id) => ({ id, object: 'model', created: 1, owned_by: 'local' })) }),
    'GET /v1/conversations': () => ({ object: 'list', data: [], first_id: null, last_id: null, has_more: false, total: 0 }),
    'POST /v1/conversations': ({ body }: { body: unknown }) => ({ id: 'conv_new', object: 'conversation', title: (body as { title: string }).title, metadata: {}, project_id: null, referrer: null, created_at: 1, updated_at: 1 }),
    'POST /v1/conversations/conv_new/items': ({ body }: { body: unknown }) => {
      saved.push(...(body as { items: unknown[] }).items);
      return { object: 'list', data: [{ id: `msg_${saved.length}`, type: 'message', status: 'completed', created_at: 1 }], first_id: null, last_id: null, has_more: false };
    },
    'GET /v1/conversations/conv_new/items': () => ({ object: 'list', data: asItems(saved), first_id: null, last_id: null, has_more: false }),
    'POST /v1/chat/completions': ({ body, signal }: { body: unknown; signal?: AbortSignal | null }) => {
      requests.push(body);
      return sseResponse([chunk('Hel'), chunk('lo'), chunk('', 'stop'), '[DONE]'], { holdAfter: opts.holdAfter, signal });
    },
  };
  return { saved, requests, routes };
}

const send = (text: string) => {
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: text } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
};

describe('Chat playground', () => {
  beforeEach(() => {
    window.location.hash = '#/chat';
  });

  it('streams the answer and saves both turns in a new conversation', async () => {
    const server = chatServer();
    const { calls } = renderPage(<RoutedChat />, { routes: server.routes, capabilities: capabilities('POST /v1/chat/completions') });
    await screen.findByRole('option', { name: 'tiny' });
    send('Say hello');
    await waitFor(() => expect(screen.getByText('Hello')).toBeTruthy());
    await waitFor(() => expect(server.saved).toHaveLength(2));
    expect(server.requests).toEqual([{ model: 'tiny', messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true } }]);
    expect(server.saved).toEqual([
      { type: 'message', role: 'user', content: 'Say hello' },
      { type: 'message', role: 'assistant', content: 'Hello', status: 'completed' },
    ]);
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(screen.getByText(/^2 tokens in/)).toBeTruthy();
    // The new conversation is in the address and in the list beside the chat (read again after it was made).
    expect(window.location.hash).toBe('#/chat/conv_new');
    expect(calls.filter((c) => c === 'GET /v1/conversations')).toHaveLength(2);
    expect([...document.querySelectorAll('.msg')].map((m) => m.textContent)).toEqual(['Say hello', 'Hello']);
  });

  it('stops generating on Stop and keeps the partial answer, marked incomplete', async () => {
    const server = chatServer({ holdAfter: 1 });
    renderPage(<RoutedChat />, { routes: server.routes, capabilities: capabilities('POST /v1/chat/completions') });
    await screen.findByRole('option', { name: 'tiny' });
    send('Count to a million');
    await waitFor(() => expect(screen.getByText('Hel')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(server.saved).toHaveLength(2));
    expect(server.saved[1]).toEqual({ type: 'message', role: 'assistant', content: 'Hel', status: 'incomplete' });
    expect(screen.getByText('stopped')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('without a model it shows the first-run card (URL, key, where models come from), and cannot send', async () => {
    const server = chatServer({ models: [] });
    const created: unknown[] = [];
    const routes = {
      ...server.routes,
      'POST /auth/api-keys': ({ body }: { body: unknown }) => {
        created.push(body);
        return { id: 'key_1', object: 'api_key', name: 'first app', prefix: 'sk_new', suffix: 'abcd', created_at: 1, expires_at: null, last_used_at: null, key: 'sk_new_secret_abcd' };
      },
    };
    renderPage(<RoutedChat />, { routes, capabilities: capabilities('POST /v1/chat/completions', 'POST /auth/api-keys', 'POST /v1/models/import') });
    const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
    expect(within(card).getByTestId('first-run-url').textContent).toBe(`${window.location.origin}/v1`);
    expect(within(card).getByRole('button', { name: 'Copy the API URL' })).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: 'Create an API key' }));
    expect((await within(card).findByTestId('first-run-key')).textContent).toBe('sk_new_secret_abcd');
    expect(created).toEqual([{ name: 'first app', expires_in_days: null }]);
    expect(within(card).getByRole('link', { name: 'Import a model…' }).getAttribute('href')).toBe('#/models');
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).disabled).toBe(true);
  });

  it('with a model there is no first-run card', async () => {
    renderPage(<RoutedChat />, { routes: chatServer().routes, capabilities: capabilities('POST /v1/chat/completions') });
    await screen.findByRole('option', { name: 'tiny' });
    expect(screen.getByText('Start a conversation')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Welcome to Jan Server' })).toBeNull();
  });

  it('reopens a saved conversation and sends its history with the next message', async () => {
    window.location.hash = '#/chat/conv_old';
    const server = chatServer();
    const earlier = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }];
    const added: unknown[] = [];
    const routes = {
      ...server.routes,
      'GET /v1/conversations/conv_old/items': () => ({ object: 'list', data: asItems([...earlier, ...added]), first_id: null, last_id: null, has_more: false }),
      'POST /v1/conversations/conv_old/items': ({ body }: { body: unknown }) => {
        added.push(...(body as { items: unknown[] }).items);
        return { object: 'list', data: [{ id: `msg_${earlier.length + added.length}`, type: 'message', status: 'completed', created_at: 1 }], first_id: null, last_id: null, has_more: false };
      },
    };
    renderPage(<RoutedChat />, { routes, capabilities: capabilities('POST /v1/chat/completions') });
    await screen.findByText('Hello!');
    await screen.findByRole('option', { name: 'tiny' });
    send('And now?');
    await waitFor(() => expect(added).toHaveLength(2));
    expect(server.requests).toEqual([{ model: 'tiny', messages: [...earlier, { role: 'user', content: 'And now?' }], stream: true, stream_options: { include_usage: true } }]);
    await waitFor(() => expect([...document.querySelectorAll('.msg')].map((m) => m.textContent)).toEqual(['Hi', 'Hello!', 'And now?', 'Hello']));
  });
});
