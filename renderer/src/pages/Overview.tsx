/**
 * The guide's Main Dashboard: live figures from the KPI stream, newest snapshot plus the last 10 minutes.
 * This page selects only whether there is anything to show; every panel selects its own figures. While the
 * server has no model, the first-run card comes first.
 */
import { FirstRunCard, useFirstRun } from '../components/FirstRunCard.js';
import { EmptyState, Unavailable } from '../components/Notes.js';
import { useKpi, useKpiStore } from '../hooks/use-kpi.js';
import { duration } from '../lib/format.js';
import type { KpiState } from '../lib/kpi-store.js';
import { Caches, Database, Llm, Resources } from './overview/System.js';
import { Distribution, HeadlineStats, RoutesTable, TrafficCharts } from './overview/Traffic.js';
import { WindowPicker } from './overview/WindowPicker.js';
import { EnginesCard } from './overview/EnginesCard.js';
import { UsageCard } from './overview/UsageCard.js';
import { useMe } from './team/use-team.js';

const selectAvailable = (s: KpiState) => s.available;
const selectWindow = (s: KpiState) => s.window;
const selectStarted = (s: KpiState) => s.latest !== undefined;
const selectLive = (s: KpiState) => s.live;
const selectUptime = (s: KpiState) => s.latest?.uptime_seconds;

/** "Up 1h 2m": changes every second, so it is its own component. */
function Subtitle() {
  const uptime = useKpi(selectUptime);
  const live = useKpi(selectLive);
  return <p>{uptime !== undefined ? `Up ${duration(uptime)} · updated every second` : live ? 'Waiting for the first snapshot…' : 'Connecting…'}</p>;
}

export function Overview() {
  const store = useKpiStore();
  const available = useKpi(selectAvailable);
  const window = useKpi(selectWindow);
  const started = useKpi(selectStarted);
  const firstRun = useFirstRun();
  // A member has no server-wide figures (admin only): their page is their own usage.
  const { me, admin } = useMe();
  const member = me !== undefined && !admin;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          {member ? <p>Your own requests, tokens and limits on this server</p> : <Subtitle />}
        </div>
        {available && <WindowPicker value={window} onChange={store.setWindow} />}
      </div>
      {firstRun && <FirstRunCard />}
      <UsageCard />
      <EnginesCard admin={admin} />
      {member ? null : !available ? (
        <Unavailable what="Live metrics">This server has no KPI stream (<code>/v1/admin/metrics/stream</code>); its raw figures are at <a href="/metrics">/metrics</a>.</Unavailable>
      ) : !started ? (
        <EmptyState title="Waiting for live figures">The first snapshot arrives within a second of connecting.</EmptyState>
      ) : (
        <>
          <HeadlineStats />
          <div className="grid">
            <TrafficCharts />
            <Distribution />
            <RoutesTable />
            <Resources />
            <Database />
            <Caches />
            <Llm />
          </div>
        </>
      )}
    </div>
  );
}
