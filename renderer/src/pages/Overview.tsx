/** The guide's Main Dashboard: live figures from the KPI stream, newest snapshot plus the last 10 minutes. */
import { EmptyState, Unavailable } from '../components/Notes.js';
import { useKpi } from '../hooks/use-kpi.js';
import { duration } from '../lib/format.js';
import { Caches, Database, Llm, Resources } from './overview/System.js';
import { Distribution, HeadlineStats, RoutesTable, TrafficCharts } from './overview/Traffic.js';
import { WindowPicker } from './overview/WindowPicker.js';

export function Overview() {
  const { latest, series, available, window, setWindow, live } = useKpi();
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p>{latest ? `Up ${duration(latest.uptime_seconds)} · updated every second` : live ? 'Waiting for the first snapshot…' : 'Connecting…'}</p>
        </div>
        {available && <WindowPicker value={window} onChange={setWindow} />}
      </div>
      {!available ? (
        <Unavailable what="Live metrics">This server has no KPI stream (<code>/v1/admin/metrics/stream</code>); its raw figures are at <a href="/metrics">/metrics</a>.</Unavailable>
      ) : !latest ? (
        <EmptyState title="Waiting for live figures">The first snapshot arrives within a second of connecting.</EmptyState>
      ) : (
        <>
          <HeadlineStats latest={latest} />
          <div className="grid">
            <TrafficCharts series={series} />
            <Distribution series={series} latest={latest} />
            <RoutesTable latest={latest} />
            <Resources series={series} latest={latest} />
            <Database series={series} latest={latest} />
            <Caches latest={latest} />
            <Llm series={series} latest={latest} />
          </div>
        </>
      )}
    </div>
  );
}
