/**
 * Every endpoint of the guide beside its targets, coloured by state; availability against the 99.5% monthly
 * target and the error budget left; daily peaks and the slowest endpoints from the hourly rollups.
 * Refreshed every two seconds.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { KpiWindow, SlaEndpoint, SlaReport } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { BarList } from '../components/BarList.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote, Unavailable } from '../components/Notes.js';
import { Stat } from '../components/Stat.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { duration, ms, percent, rate } from '../lib/format.js';
import { latencyState } from '../lib/kpi-series.js';
import { WindowPicker } from './overview/WindowPicker.js';
import { History } from './sla/History.js';

const STATE_TEXT: Record<SlaEndpoint['state'], string> = { ok: 'OK', warn: 'Warn', breach: 'Breach', idle: 'Idle' };
const STATE_TITLE: Record<SlaEndpoint['state'], string> = {
  ok: 'Every percentile within its target', warn: 'p95 or p99 over its target', breach: 'p50 over its target', idle: 'No requests in the window',
};

function Latency({ value, target }: { value: number | null | undefined; target: number }) {
  return (
    <td className="num" data-state={latencyState(value, target)}>
      {ms(value)}
      <span className="target">/ {ms(target)}</span>
    </td>
  );
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

function rpsTarget(t: SlaEndpoint['target']): string {
  if (t.rps_min === null && t.rps_max === null) return '';
  if (t.rps_max === null) return `≥ ${k(t.rps_min!)}`;
  if (t.rps_min === null || t.rps_min === t.rps_max) return k(t.rps_max);
  return `${k(t.rps_min)}–${k(t.rps_max)}`;
}

function EndpointsTable({ report }: { report: SlaReport }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Endpoint</th><th className="num">p50 / target</th><th className="num">p95 / target</th><th className="num">p99 / target</th>
            <th className="num">req/s</th><th className="num">target req/s</th><th>State</th>
          </tr>
        </thead>
        <tbody>
          {report.endpoints.map((e) => (
            <tr key={`${e.method} ${e.route}`}>
              <td>
                <div>{e.label}</div>
                <div><span className="method">{e.method}</span><span className="route">{e.route}</span></div>
              </td>
              <Latency value={e.live?.p50_ms} target={e.target.p50_ms} />
              <Latency value={e.live?.p95_ms} target={e.target.p95_ms} />
              <Latency value={e.live?.p99_ms} target={e.target.p99_ms} />
              <td className="num">{rate(e.live?.rps, '')}</td>
              <td className="num"><span className="target">{rpsTarget(e.target)}</span></td>
              <td><span className="badge" data-state={e.state} title={STATE_TITLE[e.state]}>{STATE_TEXT[e.state]}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Summary({ report }: { report: SlaReport }) {
  const active = report.endpoints.filter((e) => e.state !== 'idle');
  const within = active.filter((e) => e.state === 'ok').length;
  const { availability } = report;
  const budget = availability.error_budget_remaining;
  return (
    <div className="stats">
      <Stat label="SLA compliance" value={active.length > 0 ? `${within} / ${active.length}` : '—'} detail="endpoints with traffic within target" state={active.length === 0 ? undefined : within === active.length ? 'ok' : 'warn'} />
      <Stat label="Availability (month)" value={percent(availability.month_to_date, 3)} detail={`target ${percent(availability.target, 1)} · uptime ${percent(availability.uptime.ratio, 3)} × requests ${percent(availability.requests.ratio, 3)}`} state={availability.month_to_date === null ? undefined : availability.month_to_date >= availability.target ? 'ok' : 'breach'} />
      <Stat label="Downtime (month)" value={duration(availability.uptime.downtime_seconds)} detail={`${availability.uptime.incidents} ${availability.uptime.incidents === 1 ? 'outage' : 'outages'} · ${duration(availability.uptime.maintenance_seconds)} planned stops (excluded)`} state={availability.uptime.incidents === 0 ? 'ok' : 'warn'} />
      <Stat label="Error budget left" value={budget === null ? '—' : percent(budget, 1)} detail="of this month's 0.5%" state={budget === null ? undefined : budget > 0.25 ? 'ok' : budget > 0 ? 'warn' : 'breach'} />
      <Stat label="In breach" value={String(report.endpoints.filter((e) => e.state === 'breach').length)} detail={`${report.endpoints.filter((e) => e.state === 'warn').length} warning`} />
    </div>
  );
}

export function Sla() {
  const api = useApi();
  const available = useCapabilities().has('GET', '/v1/admin/sla');
  const [window, setWindow] = useState<KpiWindow>('5m');
  const report = useQuery({
    queryKey: queryKeys.sla(window),
    queryFn: () => api.kpi.sla(window),
    enabled: available,
    refetchInterval: 2000,
    // Another window keeps the last report on screen until its own arrives.
    placeholderData: keepPreviousData,
  });
  const data = report.data;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>SLA</h1>
          <p>Live percentiles per endpoint against the Performance &amp; SLA Guide's targets.</p>
        </div>
        {available && <WindowPicker value={window} onChange={setWindow} />}
      </div>
      {!available && <Unavailable what="The SLA report">It is served at <code>/v1/admin/sla</code> by newer servers.</Unavailable>}
      <ErrorNote error={report.error} prefix="Could not load the SLA report" />
      {data && (
        <>
          <Summary report={data} />
          <div className="grid">
            <Card title="Endpoints" hint={`${data.window} window · green within target, amber above 80% of it, red over`} span={12}>
              <EndpointsTable report={data} />
            </Card>
            <History />
            <Card title="Daily peak requests/s" hint="from hourly rollups" span={6}>
              {data.daily_peak_rps.length === 0 ? (
                <EmptyState title="No rollups yet">The first hourly rollup is written an hour after the server starts taking traffic.</EmptyState>
              ) : (
                <BarList label="Peak requests per second per day" bars={data.daily_peak_rps.slice(-14).map((d) => ({ key: d.day, label: d.day, value: d.peak_rps, text: rate(d.peak_rps, '/s') }))} />
              )}
            </Card>
            <Card title="Top slow endpoints" hint="p95 from rollups" span={6}>
              {data.top_slow_endpoints.length === 0 ? (
                <EmptyState title="Nothing slow recorded yet" />
              ) : (
                <table>
                  <thead><tr><th>Endpoint</th><th className="num">p95</th><th className="num">Requests</th></tr></thead>
                  <tbody>
                    {data.top_slow_endpoints.map((e) => (
                      <tr key={`${e.method} ${e.route}`}>
                        <td><span className="method">{e.method}</span><span className="route">{e.route}</span></td>
                        <td className="num">{ms(e.p95_ms)}</td><td className="num">{e.requests.toLocaleString('en-US')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
