import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Pull } from '../api/hub.js';
import { queryKeys } from '../api/query-keys.js';
import { renderPage } from '../test/render.js';
import { PULL_POLL_MS, PullList } from './PullList.js';

const MB = 1024 ** 2;
const pull = (extra: Partial<Pull> = {}): Pull => ({
  id: 'pull_1', object: 'model.pull', model: 'hf.co/acme/tiny-GGUF:Q4_K_M', repo: 'acme/tiny-GGUF', quantization: 'Q4_K_M', files: [],
  status: 'downloading', bytes_total: 400 * MB, bytes_done: 100 * MB, rate_bytes_per_second: 20 * MB, eta_seconds: 15, error: null, model_id: null,
  created_at: Math.floor(Date.now() / 1000), updated_at: Math.floor(Date.now() / 1000), ...extra,
});

/** The server's pull list, which the test moves on; records pause/resume/cancel calls. */
function pullServer(initial: Pull[]) {
  const state = { pulls: initial };
  const set = (status: Pull['status']) => ({ path }: { path: string }) => {
    const id = path.split('/')[4]!;
    state.pulls = state.pulls.map((p) => (p.id === id ? { ...p, status } : p));
    return state.pulls.find((p) => p.id === id);
  };
  const routes = {
    'GET /v1/models/pulls': () => ({ object: 'list', data: state.pulls }),
    'POST /v1/models/pulls/pull_1/pause': set('paused'),
    'POST /v1/models/pulls/pull_1/resume': set('downloading'),
    'DELETE /v1/models/pulls/pull_1': () => {
      state.pulls = [];
      return undefined;
    },
  };
  return { state, routes };
}

describe('PullList', () => {
  afterEach(() => vi.useRealTimers());

  it('shows bytes, percent, rate and time left on a progress bar', async () => {
    renderPage(<PullList />, { routes: pullServer([pull()]).routes });
    const bar = await screen.findByRole('progressbar', { name: 'Download of acme/tiny-GGUF:Q4_K_M' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    const item = bar.closest('li')!;
    expect(item.textContent).toContain('100 MB of 400 MB · 25% · 20.0 MB/s · 15s left');
    expect(within(item).getByText('Downloading')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Downloads' }).textContent).toContain('1 running');
  });

  it('pauses, resumes and cancels through the server, showing its state after each', async () => {
    const server = pullServer([pull()]);
    const { calls } = renderPage(<PullList />, { routes: server.routes });
    fireEvent.click(await screen.findByRole('button', { name: 'Pause acme/tiny-GGUF:Q4_K_M' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Resume acme/tiny-GGUF:Q4_K_M' }));
    expect(await screen.findByRole('button', { name: 'Pause acme/tiny-GGUF:Q4_K_M' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel acme/tiny-GGUF:Q4_K_M' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Downloads' })).toBeNull());
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual([
      'POST /v1/models/pulls/pull_1/pause', 'POST /v1/models/pulls/pull_1/resume', 'DELETE /v1/models/pulls/pull_1',
    ]);
  });

  it('polls while a pull moves, refreshes the models once it completes, offers "Chat with it", then stops polling', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const server = pullServer([pull()]);
    const { calls, queryClient } = renderPage(<PullList />, { routes: server.routes });
    await screen.findByRole('progressbar');
    queryClient.setQueryData(queryKeys.models, { object: 'list', data: [] });
    server.state.pulls = [pull({ bytes_done: 300 * MB })];
    await act(() => vi.advanceTimersByTimeAsync(PULL_POLL_MS));
    await waitFor(() => expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('75'));
    expect(queryClient.getQueryState(queryKeys.models)?.isInvalidated).toBe(false);

    server.state.pulls = [pull({ status: 'completed', bytes_done: 400 * MB, model_id: 'tiny-GGUF.Q4_K_M' })];
    await act(() => vi.advanceTimersByTimeAsync(PULL_POLL_MS));
    const chat = await screen.findByRole('link', { name: 'Chat with it' });
    expect(screen.queryByRole('button', { name: 'Cancel acme/tiny-GGUF:Q4_K_M' })).toBeNull();
    expect(queryClient.getQueryState(queryKeys.models)?.isInvalidated).toBe(true);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText('Installed')).toBeTruthy();
    expect(chat.getAttribute('href')).toBe('#/chat');
    fireEvent.click(chat);
    expect(localStorage.getItem('jan-chat-model')).toBe('tiny-GGUF.Q4_K_M');

    const reads = calls.length;
    await act(() => vi.advanceTimersByTimeAsync(PULL_POLL_MS * 5));
    expect(calls).toHaveLength(reads);
    fireEvent.click(screen.getByRole('button', { name: 'Hide acme/tiny-GGUF:Q4_K_M' }));
    expect(screen.queryByRole('region', { name: 'Downloads' })).toBeNull();
  });

  it('does not poll a paused pull, and shows a failed one with its reason and a retry', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const server = pullServer([pull({ status: 'paused' }), pull({ id: 'pull_2', quantization: 'Q8_0', status: 'failed', error: { message: 'SHA-256 mismatch: the file was refused.' } })]);
    const { calls } = renderPage(<PullList />, { routes: server.routes });
    expect((await screen.findByRole('alert')).textContent).toBe('SHA-256 mismatch: the file was refused.');
    expect(screen.getByText('Paused')).toBeTruthy();
    await act(() => vi.advanceTimersByTimeAsync(PULL_POLL_MS * 5));
    expect(calls).toEqual(['GET /v1/models/pulls']);
    expect(screen.getByRole('button', { name: 'Retry acme/tiny-GGUF:Q8_0' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel acme/tiny-GGUF:Q8_0' }).textContent).toBe('Discard');
    expect(screen.queryByRole('progressbar', { name: 'Download of acme/tiny-GGUF:Q8_0' })).toBeNull();
  });

  it('shows nothing without a download, and a refused action in words', async () => {
    const server = pullServer([]);
    const { container } = renderPage(<PullList />, { routes: server.routes });
    await waitFor(() => expect(container.innerHTML).toBe(''));
    server.state.pulls = [pull()];
    const routes = {
      ...server.routes,
      'POST /v1/models/pulls/pull_1/pause': () => new Response(JSON.stringify({ error: { message: 'This pull is verifying; it cannot be paused.', type: 'invalid_request_error', param: null, code: null } }), { status: 409 }),
    };
    renderPage(<PullList />, { routes });
    fireEvent.click(await screen.findByRole('button', { name: 'Pause acme/tiny-GGUF:Q4_K_M' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The download could not be changed: This pull is verifying; it cannot be paused.');
  });
});
