/**
 * The guide's traffic rows: headline figures, throughput and latency over time, distribution, errors, routes.
 * Each panel selects its own part of the live state, so it re-renders only when that part changes.
 */
import type { KpiSnapshot } from '../../api/index.js';
import { BarList } from '../../components/BarList.js';
import { Card } from '../../components/Card.js';
import { Heatmap } from '../../components/Heatmap.js';
import { KpiChart } from '../../components/KpiChart.js';
import { EmptyState } from '../../components/Notes.js';
import { Stat } from '../../components/Stat.js';
import { useKpi } from '../../hooks/use-kpi.js';
import { count, ms, percent, rate } from '../../lib/format.js';
import { latestPart, routeKey, selectSeries } from '../../lib/kpi-series.js';
import { sameJson, type KpiState } from '../../lib/kpi-store.js';

const AVAILABILITY_TARGET = 0.995;

/** A count of the window as a rate, by the window's own requests-per-count ratio. */
const perSecond = (s: KpiSnapshot, n: number) => (s.totals.count > 0 ? (s.totals.rps * n) / s.totals.count : 0);

const selectHeadline = latestPart((l) => ({ totals: l.totals, window: l.window }));

export function HeadlineStats() {
  const latest = useKpi(selectHeadline, sameJson);
  if (!latest) return null;
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

const selectWindow = (s: KpiState) => s.latest?.window ?? '';

export function TrafficCharts() {
  const window = useKpi(selectWindow);
  const windowHint = `${window} sliding window · without /v1/admin calls (this feed)`;
  return (
    <>
      <Card title="Throughput" hint={windowHint} span={6}>
        <KpiChart
          label="Requests per second and errors per second"
          format={(v) => rate(v, '/s')}
          minMax={1}
          lines={[
            { label: 'requests/s', color: '--chart-1', fill: true, pick: (s) => s.totals.rps },
            { label: '4xx/s', color: '--chart-3', pick: (s) => perSecond(s, s.totals.errors_4xx) },
            { label: '5xx/s', color: '--chart-4', pick: (s) => perSecond(s, s.totals.errors_5xx) },
          ]}
        />
      </Card>
      <Card title="Response time" hint="exact percentiles, arrival to last byte" span={6}>
        <KpiChart
          label="Response time percentiles"
          format={ms}
          minMax={5}
          lines={[
            { label: 'p50', color: '--chart-2', pick: (s) => s.totals.p50_ms },
            { label: 'p95', color: '--chart-3', pick: (s) => s.totals.p95_ms },
            { label: 'p99', color: '--chart-4', pick: (s) => s.totals.p99_ms },
            { label: 'avg', color: '--chart-1', pick: (s) => s.totals.mean_ms },
          ]}
        />
      </Card>
    </>
  );
}

/** The last 3 minutes of latency histograms, one column a second. */
function LatencyHeatmap() {
  const series = useKpi(selectSeries);
  const latest = series.at(-1);
  if (!latest) return null;
  return <Heatmap leMs={latest.latency_histogram.le_ms} columns={series.slice(-180).map((s) => ({ at: s.at, counts: s.latency_histogram.counts }))} />;
}

const selectIdle = (s: KpiState) => s.latest?.totals.count === 0;
const selectStatuses = latestPart((l) => l.status_codes);
const selectRoutes = latestPart((l) => l.routes);

export function Distribution() {
  const idle = useKpi(selectIdle);
  const statusCodes = useKpi(selectStatuses, sameJson) ?? {};
  const routes = useKpi(selectRoutes, sameJson) ?? [];
  const statuses = Object.entries(statusCodes).sort(([a], [b]) => a.localeCompare(b));
  const statusColor = (code: string) => (code.startsWith('5') ? 'var(--bad)' : code.startsWith('4') ? 'var(--warn)' : 'var(--ok)');
  const errorRoutes = routes
    .map((r) => ({ r, errors: r.errors_4xx + r.errors_5xx }))
    .filter((e) => e.errors > 0)
    .sort((a, b) => b.errors / b.r.count - a.errors / a.r.count)
    .slice(0, 8);
  return (
    <>
      <Card title="Response-time distribution" hint="over time" span={5}>
        {idle ? <EmptyState title="No requests in this window">Figures appear as soon as something calls the API.</EmptyState> : <LatencyHeatmap />}
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

export function RoutesTable() {
  const routes = [...(useKpi(selectRoutes, sameJson) ?? [])].sort((a, b) => b.rps - a.rps);
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
                <th>Endpoint</th><th className="rate-col">Rate</th><th className="num">req/s</th><th className="num">p50</th>
                <th className="num">p95</th><th className="num">p99</th><th className="num">4xx</th><th className="num">5xx</th><th className="num">Requests</th>
              </tr>
            </thead>
            <tbody>
              {routes.map((r) => (
                <tr key={routeKey(r)}>
                  <td><span className="method">{r.method}</span><span className="route">{r.route}</span></td>
                  {/* The bar's length is the route's share of the busiest one's rate (see BarList). */}
                  <td><div className="bar-track"><div className="bar-fill" style={{ '--bar': `${top > 0 ? (r.rps / top) * 100 : 0}%` }} /></div></td>
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
