import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { capabilities, snapshot } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Overview } from './Overview.js';

const stat = (label: string) => within(screen.getByRole('group', { name: label }));

describe('Overview', () => {
  it('shows the headline figures of the newest snapshot', () => {
    renderPage(<Overview />, { series: [snapshot({}, 1000), snapshot({ totals: { ...snapshot().totals, rps: 42.5, p95_ms: 77 } }, 2000)] });
    expect(stat('Requests/s').getByText('42.5')).toBeTruthy();
    expect(stat('p95').getByText('77.0 ms')).toBeTruthy();
    expect(stat('p99').getByText('120 ms')).toBeTruthy();
    expect(stat('Error rate (5xx)').getByText('0.25%')).toBeTruthy();
    expect(stat('Error rate (5xx)').getByText('4xx 1.0%')).toBeTruthy();
    expect(stat('Availability').getByText('99.75%')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Availability' }).dataset.state).toBe('ok');
  });

  it('lists every endpoint with traffic, busiest first, with its percentiles and errors', () => {
    renderPage(<Overview />, { series: [snapshot()] });
    const table = screen.getByRole('region', { name: 'Request rate per endpoint' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'GET/v1/conversations15.02.10 ms9.50 ms30.0 ms00900',
      'POST/v1/chat/completions5.00800 ms2.40 s3.90 s123300',
    ]);
  });

  it('shows status codes, error rate by endpoint, caches, database and the LLM panel', () => {
    renderPage(<Overview />, { series: [snapshot()] });
    expect(within(screen.getByRole('list', { name: 'Responses per status code' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['2001,185', '40412', '5033']);
    expect(screen.getByRole('list', { name: 'Error rate per endpoint' }).textContent).toBe('POST /v1/chat/completions5.0%');
    expect(screen.getByRole('list', { name: 'Cache hit ratio per cache' }).textContent).toBe('Prompt (KV) reuse82.0%');
    expect(stat('Queue depth').getByText('1')).toBeTruthy();
    expect(stat('Time to first token').getByText('180 ms')).toBeTruthy();
    expect(screen.getByText('tiny-llama')).toBeTruthy();
    expect(screen.getByText('items.list')).toBeTruthy();
    // Network is null in the snapshot: the page says so instead of showing 0.
    expect(stat('Network').getByText('not measured on this server')).toBeTruthy();
  });

  it('says the live metrics are missing on a server without the stream', () => {
    renderPage(<Overview />, { kpiAvailable: false });
    expect(screen.getByRole('note').textContent).toContain('Live metrics: not available on this server yet.');
  });

  it('tells a new user what to do when nothing has called the API yet', () => {
    const idle = snapshot({ routes: [], status_codes: {}, totals: { ...snapshot().totals, count: 0, rps: 0 } });
    renderPage(<Overview />, { series: [idle] });
    expect(screen.getByText('No traffic in this window')).toBeTruthy();
    expect(screen.getByText('No requests in this window')).toBeTruthy();
  });

  describe('first run', () => {
    const models = (ids: string[]) => () => ({
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1, owned_by: 'local', status: 'unloaded', size_bytes: 1, architecture: null, parameters: null, quantization: null, context_length: null, error: null })),
    });
    const newKey = { id: 'key_1', object: 'api_key', name: 'first app', prefix: 'sk_new', suffix: 'abcd', created_at: 1, expires_at: null, last_used_at: null, key: 'sk_new_secret_abcd' };

    it('with no model, puts the first-run card above the figures: URL with copy, and a key made on the spot', async () => {
      const writeText = vi.fn(() => Promise.resolve());
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
      const created: unknown[] = [];
      const routes = { 'GET /v1/models': models([]), 'POST /auth/api-keys': ({ body }: { body: unknown }) => (created.push(body), newKey) };
      renderPage(<Overview />, { routes, series: [snapshot()], capabilities: capabilities('POST /auth/api-keys', 'POST /v1/models/import') });
      const card = await screen.findByRole('region', { name: 'Welcome to Jan Server' });
      expect(card.compareDocumentPosition(screen.getByRole('group', { name: 'Requests/s' })) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      expect(within(card).getByTestId('first-run-url').textContent).toBe(`${window.location.origin}/v1`);
      fireEvent.click(within(card).getByRole('button', { name: 'Copy the API URL' }));
      await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/v1`));
      fireEvent.click(within(card).getByRole('button', { name: 'Create an API key' }));
      expect((await within(card).findByTestId('first-run-key')).textContent).toBe('sk_new_secret_abcd');
      expect(created).toEqual([{ name: 'first app', expires_in_days: null }]);
      expect(within(card).getByRole('link', { name: 'Import a model…' }).getAttribute('href')).toBe('#/models');
    });

    it('with a model, shows no first-run card', async () => {
      const { calls } = renderPage(<Overview />, { routes: { 'GET /v1/models': models(['tiny']) }, series: [snapshot()] });
      await waitFor(() => expect(calls).toContain('GET /v1/models'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(screen.queryByRole('region', { name: 'Welcome to Jan Server' })).toBeNull();
      expect(screen.getByRole('group', { name: 'Requests/s' })).toBeTruthy();
    });
  });
});
