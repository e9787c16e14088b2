/**
 * Renders a page the way the app does (query cache, Api, capabilities, KPI state, theme) with fixtures behind
 * it. Every render gets its own QueryClient and KpiStore, so nothing cached leaks from one test to the next.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createApi, type Capabilities, type KpiSnapshot } from '../api/index.js';
import { createQueryClient } from '../api/query-client.js';
import { ApiProvider } from '../hooks/api-context.js';
import { KpiStoreProvider } from '../hooks/use-kpi.js';
import { KpiStore } from '../lib/kpi-store.js';
import { fakeFetch, type Handler } from './fixtures.js';

export interface RenderOptions {
  routes?: Record<string, Handler>;
  capabilities?: Capabilities;
  series?: KpiSnapshot[];
  kpiAvailable?: boolean;
}

export function renderPage(ui: ReactElement, options: RenderOptions = {}) {
  const calls: string[] = [];
  const api = createApi({ fetch: fakeFetch(options.routes ?? {}, calls) });
  const queryClient = createQueryClient();
  const kpi = new KpiStore({ series: options.series ?? [], available: options.kpiAvailable ?? true, live: true });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider api={api} capabilities={options.capabilities}>
        <KpiStoreProvider store={kpi}>{ui}</KpiStoreProvider>
      </ApiProvider>
    </QueryClientProvider>,
  );
  return { ...result, calls, api, queryClient, kpi };
}
