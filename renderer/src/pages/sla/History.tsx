/** The last 24 hours from the hourly rollups kept in SQLite (they survive restarts): traffic and p95. */
import { useQuery } from '@tanstack/react-query';
import type { Api } from '../../api/index.js';
import { queryKeys } from '../../api/query-keys.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { TimeChart } from '../../components/TimeChart.js';
import { useApi, useCapabilities } from '../../hooks/api-context.js';
import { ms, rate } from '../../lib/format.js';

const HOURS = 24;

/** The rollups with the moment they were read: the chart ends there, and the current hour is that long. */
async function loadHistory(api: Api) {
  const history = await api.kpi.history(HOURS);
  return { rows: history.rows, readAt: Date.now() };
}

export function History() {
  const api = useApi();
  const available = useCapabilities().has('GET', '/v1/admin/metrics/history');
  const history = useQuery({ queryKey: queryKeys.metricsHistory(HOURS), queryFn: () => loadHistory(api), enabled: available });
  if (!available) return null;
  const rows = (history.data?.rows ?? []).filter((r) => r.method === '*' && r.route === '*').sort((a, b) => a.hour_start - b.hour_start);
  const x = rows.map((r) => r.hour_start / 1000);
  const sparse = rows.length < 4;
  // The current hour is not over: average it over the part that had passed when the rollups were read.
  // (The charts are drawn once the rollups are in, as their x range is fixed when a chart is created.)
  const now = history.data?.readAt ?? 0;
  const xRange: [number, number] = [now / 1000 - HOURS * 3600, now / 1000];
  const perSecond = (r: (typeof rows)[number]) => r.count / Math.max(1, Math.min(3600, (now - r.hour_start) / 1000));
  return (
    <>
      <Card title="Last 24 hours: traffic" hint="hourly rollups" span={6}>
        <ErrorNote error={history.error} />
        {!history.data ? null : rows.length === 0 ? (
          <EmptyState title="No rollups yet">Each hour of traffic is summed up and kept, so this history survives restarts.</EmptyState>
        ) : (
          <TimeChart label="Average and peak requests per second per hour" x={x} xFormat="hour" xRange={xRange} points={sparse} height={160} minMax={1} format={(v) => rate(v, '/s')}
            series={[
              { label: 'average req/s', color: '--chart-1', fill: true, values: rows.map(perSecond) },
              { label: 'peak req/s', color: '--chart-3', values: rows.map((r) => r.peak_rps) },
            ]} />
        )}
      </Card>
      <Card title="Last 24 hours: latency" hint="hourly rollups" span={6}>
        {history.data && rows.length > 0 && (
          <TimeChart label="Hourly response time percentiles" x={x} xFormat="hour" xRange={xRange} points={sparse} height={160} minMax={5} format={ms}
            series={[
              { label: 'p50', color: '--chart-2', values: rows.map((r) => r.p50_ms) },
              { label: 'p95', color: '--chart-3', values: rows.map((r) => r.p95_ms) },
              { label: 'p99', color: '--chart-4', values: rows.map((r) => r.p99_ms) },
            ]} />
        )}
      </Card>
    </>
  );
}
