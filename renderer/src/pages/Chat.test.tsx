import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { capabilities, sseResponse } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Chat } from './Chat.js';

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
  it('streams the answer and saves both turns in a new conversation', async () => {
    const server = chatServer();
    renderPage(<Chat arg={undefined} />, { routes: server.routes, capabilities: capabilities('POST /v1/chat/completions') });
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
  });

  it('stops generating on Stop and keeps the partial answer, marked incomplete', async () => {
    const server = chatServer({ holdAfter: 1 });
    renderPage(<Chat arg={undefined} />, { routes: server.routes, capabilities: capabilities('POST /v1/chat/completions') });
    await screen.findByRole('option', { name: 'tiny' });
    send('Count to a million');
    await waitFor(() => expect(screen.getByText('Hel')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(server.saved).toHaveLength(2));
    expect(server.saved[1]).toEqual({ type: 'message', role: 'assistant', content: 'Hel', status: 'incomplete' });
    expect(screen.getByText('stopped')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('without a model it says where to put one, and cannot send', async () => {
    renderPage(<Chat arg={undefined} />, { routes: chatServer({ models: [] }).routes, capabilities: capabilities('POST /v1/chat/completions') });
    expect(await screen.findByText('No model yet')).toBeTruthy();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).disabled).toBe(true);
  });
});
