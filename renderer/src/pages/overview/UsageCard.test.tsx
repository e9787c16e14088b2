import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MyUsage } from '../../api/team.js';
import { capabilities } from '../../test/fixtures.js';
import { renderPage } from '../../test/render.js';
import { Overview } from '../Overview.js';
import { me } from '../team/fixtures.js';
import { UsageCard } from './UsageCard.js';

const totals = (requests: number, errors: number, completion: number, seconds: number) => ({
  requests, errors, prompt_tokens: requests * 20, completion_tokens: completion, model_seconds: seconds,
});

const body: MyUsage = {
  object: 'usage.me',
  user_id: 'user_bob',
  today: totals(12, 1, 1500, 75),
  last_7_days: totals(40, 0, 5000, 300),
  storage_bytes: 2_097_152,
  quotas: {
    requests_per_minute: { limit: 30, used: 3, remaining: 27 },
    tokens_per_day: { limit: null, used: 1500, remaining: null, resets_at: 1_800_000_000 },
    concurrent_streams: { limit: 2, used: 0, remaining: 2 },
    storage_bytes: { limit: 10 * 1024 * 1024, used: 2_097_152, remaining: 8 * 1024 * 1024 },
  },
};

const group = (name: string) => within(screen.getByRole('group', { name }));
const stat = (period: string, name: string) => within(group(period).getByRole('group', { name })).getByText;

describe('UsageCard', () => {
  it('shows today, the last 7 days, storage and every quota with what is used and left', async () => {
    renderPage(<UsageCard />, { routes: { 'GET /v1/usage/me': () => body }, capabilities: capabilities('GET /v1/usage/me') });
    const card = await screen.findByRole('region', { name: 'Your usage' });
    await within(card).findByRole('group', { name: 'Today' });
    expect(stat('Today', 'Requests')('12')).toBeTruthy();
    expect(stat('Today', 'Requests')('1 failed')).toBeTruthy();
    expect(stat('Today', 'Generated tokens')('1,500')).toBeTruthy();
    expect(stat('Today', 'Time on model')('1m 15s')).toBeTruthy();
    expect(stat('Last 7 days', 'Generated tokens')('5,000')).toBeTruthy();
    expect(within(card).getByText('storing 2.0 MB')).toBeTruthy();
    const limit = (name: string) => group('Limits').getByRole('group', { name });
    expect(limit('Requests this minute').textContent).toContain('3 of 30');
    expect(limit('Requests this minute').textContent).toContain('27 left');
    expect(within(limit('Requests this minute')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('10');
    expect(limit('Generated tokens today').textContent).toBe('Generated tokens today1,500 · no limit');
    expect(limit('Storage').textContent).toContain('2.0 MB of 10.0 MB');
  });

  it('is absent on a server without /v1/usage/me', () => {
    const { calls } = renderPage(<UsageCard />, { routes: {} });
    expect(screen.queryByRole('region', { name: 'Your usage' })).toBeNull();
    expect(calls).toEqual([]);
  });

  it('is a member’s whole Overview: their own usage, no server-wide figures and no note about them', async () => {
    renderPage(<Overview />, {
      routes: { 'GET /auth/me': () => me('user_bob', 'member'), 'GET /v1/usage/me': () => body, 'GET /v1/models': () => ({ object: 'list', data: [] }) },
      capabilities: capabilities('GET /v1/usage/me'),
      kpiAvailable: false,
    });
    expect(await screen.findByText('Your own requests, tokens and limits on this server')).toBeTruthy();
    expect(await screen.findByRole('region', { name: 'Your usage' })).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
  });
});
