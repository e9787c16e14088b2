import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../test/fixtures.js';
import { renderPage } from '../../test/render.js';
import { UsageCard, usageGroups } from './UsageCard.js';

const body = {
  object: 'usage',
  user_id: 'user_bob',
  today: { requests: 12, errors: 1, prompt_tokens: 300, completion_tokens: 1500, model_seconds: 75, storage_bytes: 2_097_152 },
  last_7_days: { requests: 40, errors: 2, prompt_tokens: 900, completion_tokens: 5000, model_seconds: 300, storage_bytes: 2_097_152 },
  quotas: { requests_per_minute: 30, tokens_per_day: null, concurrent_streams: 1, storage_bytes: null },
  remaining: { tokens_today: null, storage_bytes: null },
  note: 'ignored',
};

const group = (name: string) => within(screen.getByRole('group', { name }));

describe('UsageCard', () => {
  it('shows every group of figures the server answers, each formatted by its name; a null limit is unlimited', async () => {
    renderPage(<UsageCard />, { routes: { 'GET /v1/usage/me': () => body }, capabilities: capabilities('GET /v1/usage/me') });
    expect(await screen.findByRole('region', { name: 'Your usage' })).toBeTruthy();
    await screen.findByRole('group', { name: 'Today' });
    expect(within(group('Today').getByRole('group', { name: 'Requests' })).getByText('12')).toBeTruthy();
    expect(within(group('Today').getByRole('group', { name: 'Generated tokens' })).getByText('1,500')).toBeTruthy();
    expect(within(group('Today').getByRole('group', { name: 'Time on model' })).getByText('1m 15s')).toBeTruthy();
    expect(within(group('Last 7 days').getByRole('group', { name: 'Storage' })).getByText('2.0 MB')).toBeTruthy();
    expect(within(group('Limits').getByRole('group', { name: 'Tokens/day' })).getByText('unlimited')).toBeTruthy();
    expect(within(group('Limits').getByRole('group', { name: 'Requests/min' })).getByText('30')).toBeTruthy();
    expect(within(group('Remaining').getByRole('group', { name: 'Tokens today' })).getByText('unlimited')).toBeTruthy();
  });

  it('reads flat answers too, and skips bookkeeping fields', () => {
    expect(usageGroups({ object: 'x', requests: 3, at: 5, period: { requests: 1 } })).toEqual([
      { key: 'totals', figures: [['requests', 3]] },
      { key: 'period', figures: [['requests', 1]] },
    ]);
  });

  it('is absent on a server without /v1/usage/me', () => {
    const { calls } = renderPage(<UsageCard />, { routes: {} });
    expect(screen.queryByRole('region', { name: 'Your usage' })).toBeNull();
    expect(calls).toEqual([]);
  });
});
