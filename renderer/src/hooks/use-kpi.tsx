/**
 * The live KPI feed for the whole app: subscribed once while the user is logged in, so the charts already
 * have the last minutes of data when the user comes back to the Overview. The figures live in a KpiStore
 * (lib/kpi-store.ts), one per provider; components select what they show with `useKpi`.
 */
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { KpiStore, type KpiState } from '../lib/kpi-store.js';
import { useApi, useCapabilities } from './api-context.js';

const KpiStoreContext = createContext<KpiStore | undefined>(undefined);

const selectWindow = (s: KpiState) => s.window;

export function KpiProvider({ children, admin }: { children: ReactNode; admin: boolean }) {
  const api = useApi();
  // The figures are the whole server's: admins only (a LAN teammate's key sees its own data, not these).
  const available = useCapabilities().has('GET', '/v1/admin/metrics/stream') && admin;
  const [store] = useState(() => new KpiStore({ available }));
  const window = useSyncExternalStore(store.subscribe, () => selectWindow(store.getSnapshot()));
  useEffect(() => {
    store.restart(available);
    if (!available) return;
    const subscription = api.kpi.subscribe(window, store.push, store.setLive);
    return () => subscription.close();
  }, [api, store, window, available]);
  return <KpiStoreContext.Provider value={store}>{children}</KpiStoreContext.Provider>;
}

/** Hands components a store fed by someone else (tests). */
export function KpiStoreProvider({ store, children }: { store: KpiStore; children: ReactNode }) {
  return <KpiStoreContext.Provider value={store}>{children}</KpiStoreContext.Provider>;
}

export function useKpiStore(): KpiStore {
  const store = useContext(KpiStoreContext);
  if (!store) throw new Error('useKpi outside KpiProvider');
  return store;
}

/**
 * What `selector` picks from the KPI state; the component re-renders only when that changes (by `isEqual`,
 * `Object.is` unless told: pass `sameJson` for a selection built anew from each snapshot).
 */
export function useKpi<T>(selector: (state: KpiState) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const store = useKpiStore();
  const getSelection = useMemo(() => store.selection(selector, isEqual), [store, selector, isEqual]);
  return useSyncExternalStore(store.subscribe, getSelection);
}
