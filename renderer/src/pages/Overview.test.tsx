import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../test/fixtures.js';
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
});
