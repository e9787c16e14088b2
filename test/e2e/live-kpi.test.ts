/** The Overview and SLA pages follow real traffic: the live stream moves the numbers, and they are exact. */
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard, waitForText } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';
import { generateTraffic } from './support/traffic.js';

if (!hasChromium) console.warn(SKIP_REASON);

const HEALTH_CALLS = 37;

describe.skipIf(!hasChromium)('live KPIs in the dashboard (Chromium)', () => {
  const env = useServerAndBrowser();

  it('shows traffic as it happens, with exact per-endpoint counts', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    const requests = page.getByRole('group', { name: 'Requests/s' });
    await requests.waitFor();
    const before = await requests.textContent();

    await generateTraffic(env.server, 240, 6);
    for (let i = 0; i < HEALTH_CALLS; i++) await fetch(`${env.server.url}/v1/health`);

    // After the traffic, the server's own count of GET /v1/health in the 1-minute window is fixed; the table
    // row reaches exactly that figure within a few snapshots.
    const snapshot = await fetch(`${env.server.url}/v1/admin/metrics/snapshot?window=1m`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    const { routes } = (await snapshot.json()) as { routes: { method: string; route: string; count: number }[] };
    const expected = routes.find((r) => r.method === 'GET' && r.route === '/v1/health')!.count;
    expect(expected).toBeGreaterThanOrEqual(HEALTH_CALLS);
    // Rows are looked for in their own card: other cards (errors per endpoint, slowest from rollups) may list
    // the same route.
    const perEndpoint = page.getByRole('region', { name: 'Request rate per endpoint', exact: true });
    const healthRow = perEndpoint.getByRole('row').filter({ hasText: '/v1/health' });
    await waitForText(healthRow.locator('td').last(), expected.toLocaleString('en-US'));
    expect(await requests.textContent()).not.toBe(before);
    expect(await perEndpoint.getByRole('row').filter({ hasText: '/v1/conversations/:id/items' }).count()).toBeGreaterThan(0);
    const statuses = await page.getByRole('list', { name: 'Responses per status code' }).textContent();
    expect(statuses).toContain('404');
    expect(statuses).toContain('401');

    await goTo(page, 'sla', 'SLA');
    const slaRow = page.getByRole('region', { name: 'Endpoints', exact: true }).getByRole('row').filter({ hasText: '/v1/health' });
    await slaRow.waitFor();
    expect(await slaRow.locator('.badge').textContent()).not.toBe('Idle');
    expect(problems).toEqual([]);
    await context.close();
  });
});
