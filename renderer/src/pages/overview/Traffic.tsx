/** The guide's traffic rows: headline figures, throughput and latency over time, distribution, errors, routes. */
import type { KpiSnapshot } from '../../api/index.js';
import { BarList } from '../../components/BarList.js';
import { Card } from '../../components/Card.js';
import { Heatmap } from '../../components/Heatmap.js';
import { EmptyState } from '../../components/Notes.js';
import { Stat } from '../../components/Stat.js';
import { TimeChart } from '../../components/TimeChart.js';
import { count, ms, percent, rate } from '../../lib/format.js';
import { column, routeKey, xs } from '../../lib/kpi-series.js';

const AVAILABILITY_TARGET = 0.995;

/** A count of the window as a rate, by the window's own requests-per-count ratio. */
const perSecond = (s: KpiSnapshot, n: number) => (s.totals.count > 0 ? (s.totals.rps * n) / s.totals.count : 0);

export function HeadlineStats({ latest }: { latest: KpiSnapshot }) {
  const t = latest.totals;
  const availabilityState = t.availability === null ? undefined : t.availability >= AVAILABILITY_TARGET ? 'ok' : 'breach';
  const errorState = t.error_rate === null ? undefined : t.error_rate > 0.05 ? 'breach' : t.error_rate > 0.01 ? 'warn' : 'ok';
  return (
    <div className="stats">
      <Stat label="Requests/s" value={rate(t.rps, '')} detail={`${count(t.count)} in ${latest.window}`} />
      <Stat label="Error rate (5xx)" value={percent(t.error_rate)} state={errorState} detail={`4xx ${percent(t.count > 0 ? t.errors_4xx / t.count : null, 1)}`} />
      <Stat label="Average" value={ms(t.mean_ms)} detail={`max ${ms(t.max_ms)}`} />
      <Stat label="p50" value={ms(t.p50_ms)} detail="median response" />
      <Stat label="p95" value={ms(t.p95_ms)} detail="95th percentile" />
      <Stat label="p99" value={ms(t.p99_ms)} detail="99th percentile" />
      <Stat label="Availability" value={percent(t.availability)} state={availabilityState} detail={`target ${percent(AVAILABILITY_TARGET, 1)}`} />
    </div>
  );
}

export function TrafficCharts({ series }: { series: KpiSnapshot[] }) {
  const x = xs(series);
  const windowHint = `${series[series.length - 1]?.window ?? ''} sliding window · without /v1/admin calls (this feed)`;
  return (
    <>
      <Card title="Throughput" hint={windowHint} span={6}>
        <TimeChart
          label="Requests per second and errors per second"
          x={x}
          format={(v) => rate(v, '/s')}
          minMax={1}
          series={[
            { label: 'requests/s', color: '--chart-1', fill: true, values: column(series, (s) => s.totals.rps) },
            { label: '4xx/s', color: '--chart-3', values: column(series, (s) => perSecond(s, s.totals.errors_4xx)) },
            { label: '5xx/s', color: '--chart-4', values: column(series, (s) => perSecond(s, s.totals.errors_5xx)) },
          ]}
        />
      </Card>
      <Card title="Response time" hint="exact percentiles, arrival to last byte" span={6}>
        <TimeChart
          label="Response time percentiles"
          x={x}
          format={ms}
          minMax={5}
          series={[
            { label: 'p50', color: '--chart-2', values: column(series, (s) => s.totals.p50_ms) },
            { label: 'p95', color: '--chart-3', values: column(series, (s) => s.totals.p95_ms) },
            { label: 'p99', color: '--chart-4', values: column(series, (s) => s.totals.p99_ms) },
            { label: 'avg', color: '--chart-1', values: column(series, (s) => s.totals.mean_ms) },
          ]}
        />
      </Card>
    </>
  );
}

export function Distribution({ series, latest }: { series: KpiSnapshot[]; latest: KpiSnapshot }) {
  const statuses = Object.entries(latest.status_codes).sort(([a], [b]) => a.localeCompare(b));
  const statusColor = (code: string) => (code.startsWith('5') ? 'var(--bad)' : code.startsWith('4') ? 'var(--warn)' : 'var(--ok)');
  const errorRoutes = latest.routes
    .map((r) => ({ r, errors: r.errors_4xx + r.errors_5xx }))
    .filter((e) => e.errors > 0)
    .sort((a, b) => b.errors / b.r.count - a.errors / a.r.count)
    .slice(0, 8);
  return (
    <>
      <Card title="Response-time distribution" hint="over time" span={5}>
        {latest.totals.count === 0 ? (
          <EmptyState title="No requests in this window">Figures appear as soon as something calls the API.</EmptyState>
        ) : (
          <Heatmap leMs={latest.latency_histogram.le_ms} columns={series.slice(-180).map((s) => ({ at: s.at, counts: s.latency_histogram.counts }))} />
        )}
      </Card>
      <Card title="Status codes" hint="in window" span={3}>
        {statuses.length === 0 ? (
          <EmptyState title="No responses yet" />
        ) : (
          <BarList label="Responses per status code" bars={statuses.map(([code, n]) => ({ key: code, label: code, value: n, text: count(n), color: statusColor(code) }))} />
        )}
      </Card>
      <Card title="Error rate by endpoint" hint="4xx and 5xx" span={4}>
        {errorRoutes.length === 0 ? (
          <EmptyState title="No errors in this window" />
        ) : (
          <BarList
            label="Error rate per endpoint"
            max={1}
            bars={errorRoutes.map(({ r, errors }) => ({
              key: routeKey(r), label: `${r.method} ${r.route}`, value: errors / r.count, text: percent(errors / r.count, 1),
              color: r.errors_5xx > 0 ? 'var(--bad)' : 'var(--warn)',
            }))}
          />
        )}
      </Card>
    </>
  );
}

export function RoutesTable({ latest }: { latest: KpiSnapshot }) {
  const routes = [...latest.routes].sort((a, b) => b.rps - a.rps);
  const top = Math.max(0, ...routes.map((r) => r.rps));
  return (
    <Card title="Request rate per endpoint" hint={`${routes.length} endpoints with traffic`} span={12}>
      {routes.length === 0 ? (
        <EmptyState title="No traffic in this window">Point an OpenAI client at <code>{window.location.origin}/v1</code> with an API key from Settings.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Endpoint</th><th style={{ width: '22%' }}>Rate</th><th className="num">req/s</th><th className="num">p50</th>
                <th className="num">p95</th><th className="num">p99</th><th className="num">4xx</th><th className="num">5xx</th><th className="num">Requests</th>
              </tr>
            </thead>
            <tbody>
              {routes.map((r) => (
                <tr key={routeKey(r)}>
                  <td><span className="method">{r.method}</span><span className="route">{r.route}</span></td>
                  <td><div className="bar-track"><div className="bar-fill" style={{ width: `${top > 0 ? (r.rps / top) * 100 : 0}%` }} /></div></td>
                  <td className="num">{rate(r.rps, '')}</td>
                  <td className="num">{ms(r.p50_ms)}</td>
                  <td className="num">{ms(r.p95_ms)}</td>
                  <td className="num">{ms(r.p99_ms)}</td>
                  <td className="num">{count(r.errors_4xx)}</td>
                  <td className="num">{count(r.errors_5xx)}</td>
                  <td className="num">{count(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
