/** A TimeChart of the live KPI series: each line names the figure it plots; re-renders once per snapshot. */
import type { KpiSnapshot } from '../api/index.js';
import { useKpi } from '../hooks/use-kpi.js';
import { column, selectSeries, xs } from '../lib/kpi-series.js';
import { TimeChart, type ChartSeries, type TimeChartProps } from './TimeChart.js';

export interface KpiLine extends Omit<ChartSeries, 'values'> {
  pick: (s: KpiSnapshot) => number | null | undefined;
}

export function KpiChart({ lines, ...chart }: Omit<TimeChartProps, 'x' | 'series'> & { lines: KpiLine[] }) {
  const series = useKpi(selectSeries);
  return <TimeChart {...chart} x={xs(series)} series={lines.map(({ pick, ...line }) => ({ ...line, values: column(series, pick) }))} />;
}
