/**
 * The live KPI feed for the whole app: subscribed once while the user is logged in, so the charts already
 * have the last minutes of data when the user comes back to the Overview. Keeps the last 10 minutes.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { KpiSnapshot, KpiWindow } from '../api/index.js';
import { useApi, useCapabilities } from './api-context.js';

export const KEEP_SNAPSHOTS = 600;

export interface KpiState {
  /** The newest snapshot (undefined until the first one arrives). */
  latest: KpiSnapshot | undefined;
  /** Oldest first, at most KEEP_SNAPSHOTS. */
  series: KpiSnapshot[];
  live: boolean;
  /** False when the server has no KPI stream (an older server). */
  available: boolean;
  window: KpiWindow;
  setWindow(window: KpiWindow): void;
}

const KpiContext = createContext<KpiState | undefined>(undefined);

export function KpiProvider({ children, admin, initialWindow = '1m' }: { children: ReactNode; admin: boolean; initialWindow?: KpiWindow }) {
  const api = useApi();
  // The figures are the whole server's: admins only (a LAN teammate's key sees its own data, not these).
  const available = useCapabilities().has('GET', '/v1/admin/metrics/stream') && admin;
  const [window, setWindow] = useState<KpiWindow>(initialWindow);
  const [series, setSeries] = useState<KpiSnapshot[]>([]);
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!available) return;
    setSeries([]);
    const subscription = api.kpi.subscribe(
      window,
      (snapshot) => setSeries((s) => (s.length >= KEEP_SNAPSHOTS ? [...s.slice(s.length - KEEP_SNAPSHOTS + 1), snapshot] : [...s, snapshot])),
      setLive,
    );
    return () => subscription.close();
  }, [api, window, available]);
  const value: KpiState = { latest: series[series.length - 1], series, live, available, window, setWindow };
  return <KpiContext.Provider value={value}>{children}</KpiContext.Provider>;
}

/** For pages and tests: the provider's state, or a fixed one (`FixedKpi`). */
export function useKpi(): KpiState {
  const state = useContext(KpiContext);
  if (!state) throw new Error('useKpi outside KpiProvider');
  return state;
}

export function FixedKpi({ series, children, available = true }: { series: KpiSnapshot[]; children: ReactNode; available?: boolean }) {
  const value: KpiState = { latest: series[series.length - 1], series, live: true, available, window: '1m', setWindow: () => undefined };
  return <KpiContext.Provider value={value}>{children}</KpiContext.Provider>;
}
