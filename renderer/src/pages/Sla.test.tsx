import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { capabilities, slaReport } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Sla } from './Sla.js';

describe('SLA page', () => {
  it('shows every endpoint beside its targets, coloured by state', async () => {
    const { calls } = renderPage(<Sla />, {
      capabilities: capabilities('GET /v1/admin/sla'),
      routes: { 'GET /v1/admin/sla': ({ query }) => ({ ...slaReport(), window: query.get('window') }) },
    });
    const table = await screen.findByRole('region', { name: 'Endpoints' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').at(-1)!.textContent)).toEqual(['OK', 'Warn', 'Breach', 'Idle']);
    const createRow = rows[2]!;
    const [, p50, p95, p99] = within(createRow).getAllByRole('cell');
    expect([p50!.textContent, p95!.textContent, p99!.textContent]).toEqual(['80.0 ms/ 50.0 ms', '400 ms/ 150 ms', '900 ms/ 300 ms']);
    expect([p50!.dataset.state, p95!.dataset.state]).toEqual(['breach', 'breach']);
    expect(within(rows[0]!).getAllByRole('cell')[1]!.dataset.state).toBe('ok');
    expect(within(rows[3]!).getAllByRole('cell')[5]!.textContent).toBe('≥ 100');
    expect(calls).toEqual(['GET /v1/admin/sla']);
  });

  it('shows compliance, availability against 99.5% and the error budget left', async () => {
    renderPage(<Sla />, { capabilities: capabilities('GET /v1/admin/sla'), routes: { 'GET /v1/admin/sla': () => slaReport() } });
    const compliance = await screen.findByRole('group', { name: 'SLA compliance' });
    expect(compliance.textContent).toContain('1 / 3');
    expect(screen.getByRole('group', { name: 'Availability (month)' }).textContent).toContain('99.910%');
    expect(screen.getByRole('group', { name: 'Error budget left' }).textContent).toContain('82.0%');
    // Downtime seen through heartbeats, beside the requests' share: both make the month's availability.
    expect(screen.getByRole('group', { name: 'Availability (month)' }).textContent).toContain('uptime 99.950% × requests 99.960%');
    const downtime = screen.getByRole('group', { name: 'Downtime (month)' });
    expect(downtime.textContent).toContain('7m 12s');
    expect(downtime.textContent).toContain('1 outage · 0s planned stops (excluded)');
    expect(screen.getByRole('list', { name: 'Peak requests per second per day' }).textContent).toBe('2026-11-27140/s');
    expect(within(screen.getByRole('region', { name: 'Top slow endpoints' })).getByText('400 ms')).toBeTruthy();
  });

  it('is honest on a server without the SLA report', () => {
    const { calls } = renderPage(<Sla />);
    expect(screen.getByRole('note').textContent).toContain('The SLA report: not available on this server yet.');
    expect(calls).toEqual([]);
  });
});
