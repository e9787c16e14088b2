/** Renders a page the way the app does (Api, capabilities, KPI state, theme) with fixtures behind it. */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createApi, type Capabilities, type KpiSnapshot } from '../api/index.js';
import { ApiProvider } from '../hooks/api-context.js';
import { FixedKpi } from '../hooks/use-kpi.js';
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
  const result = render(
    <ApiProvider api={api} capabilities={options.capabilities}>
      <FixedKpi series={options.series ?? []} available={options.kpiAvailable ?? true}>{ui}</FixedKpi>
    </ApiProvider>,
  );
  return { ...result, calls, api };
}
