import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EngineStatusList } from '../../api/engines.js';
import { capabilities } from '../../test/fixtures.js';
import { renderPage } from '../../test/render.js';
import { EnginesCard } from './EnginesCard.js';

const engine = (name: string, state: 'healthy' | 'ejected', extra: Partial<EngineStatusList['data'][number]> = {}) => ({
  object: 'engine' as const, name, url: `http://10.0.0.${name.length}:8080`, state, healthy: state === 'healthy', has_key: true,
  in_flight: 2, models: ['llama-3-8b'], models_source: 'discovered' as const, consecutive_failures: 0, requests_total: 1234,
  errors_total: 1, last_error: null, last_check_at: 1_800_000_000, latency_ms: 4.2, ...extra,
});

const body: EngineStatusList = {
  object: 'list', check_interval_ms: 10_000,
  data: [engine('gpu1', 'healthy'), engine('gpu22', 'ejected', { in_flight: 0, last_error: 'health check: connect ECONNREFUSED', latency_ms: null })],
};

describe('EnginesCard', () => {
  it('lists each engine with its state, load, models and last error', async () => {
    renderPage(<EnginesCard admin />, { routes: { 'GET /v1/admin/engines': () => body }, capabilities: capabilities('GET /v1/admin/engines') });
    const card = await screen.findByRole('region', { name: 'Engines' });
    await within(card).findByText('gpu1');
    expect(within(card).getByText('1 of 2 healthy')).toBeTruthy();
    const rows = within(card).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(rows[0]).toBe('gpu1http://10.0.0.4:8080healthy24 ms1,2341llama-3-8bdiscovered—');
    expect(rows[1]).toBe('gpu22http://10.0.0.5:8080ejected0—1,2341llama-3-8bdiscoveredhealth check: connect ECONNREFUSED');
  });

  it('is absent for a member, on a server without engines, and when none is configured', async () => {
    const none = renderPage(<EnginesCard admin={false} />, { routes: {}, capabilities: capabilities('GET /v1/admin/engines') });
    expect(none.calls).toEqual([]);
    none.unmount();
    const old = renderPage(<EnginesCard admin />, { routes: {} });
    expect(old.calls).toEqual([]);
    old.unmount();
    const empty = renderPage(<EnginesCard admin />, { routes: { 'GET /v1/admin/engines': () => ({ ...body, data: [] }) }, capabilities: capabilities('GET /v1/admin/engines') });
    await waitFor(() => expect(empty.calls).toEqual(['GET /v1/admin/engines']));
    expect(screen.queryByRole('region', { name: 'Engines' })).toBeNull();
  });
});
