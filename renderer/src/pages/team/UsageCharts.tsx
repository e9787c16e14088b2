/**
 * Team usage from the hourly counters: per member or per model as bars, per day as a time chart, over the
 * last 7 or 30 days, counting requests, generated tokens or time on the model.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { teamKeys, type UsageGroup, type UsageRow } from '../../api/team.js';
import { BarList } from '../../components/BarList.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { TimeChart } from '../../components/TimeChart.js';
import { count, duration } from '../../lib/format.js';
import { useTeamApi } from './use-team.js';

type Metric = 'requests' | 'tokens' | 'model_seconds';

const METRICS: { id: Metric; label: string; value(row: UsageRow): number; text(v: number): string }[] = [
  { id: 'requests', label: 'Requests', value: (r) => r.requests ?? 0, text: count },
  { id: 'tokens', label: 'Tokens', value: (r) => (r.prompt_tokens ?? 0) + (r.completion_tokens ?? 0), text: count },
  { id: 'model_seconds', label: 'Model time', value: (r) => r.model_seconds ?? 0, text: (v) => (v < 1 && v > 0 ? `${v.toFixed(2)}s` : duration(v)) },
];

const GROUPS: { id: UsageGroup; label: string }[] = [
  { id: 'user', label: 'Per member' },
  { id: 'model', label: 'Per model' },
  { id: 'day', label: 'Per day' },
];

const RANGES = [7, 30] as const;

/** A day key as unix seconds: a number (seconds or ms) or a date such as `2026-12-01`. */
export function dayKeySeconds(key: string): number | null {
  if (/^\d+$/.test(key)) {
    const n = Number(key);
    return n < 1e12 ? n : Math.floor(n / 1000);
  }
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(key) ? `${key}T00:00:00Z` : key);
  return Number.isNaN(parsed) ? null : Math.floor(parsed / 1000);
}

function Segmented<T extends string | number>({ label, options, value, onChange }: { label: string; options: { id: T; label: string }[]; value: T; onChange(v: T): void }) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.id} type="button" aria-pressed={o.id === value} onClick={() => onChange(o.id)}>{o.label}</button>
      ))}
    </div>
  );
}

function Chart({ group, rows, metric }: { group: UsageGroup; rows: UsageRow[]; metric: (typeof METRICS)[number] }) {
  if (group === 'day') {
    const points = rows
      .map((r) => ({ x: dayKeySeconds(r.key), y: metric.value(r) }))
      .filter((p): p is { x: number; y: number } => p.x !== null)
      .sort((a, b) => a.x - b.x);
    return (
      <TimeChart
        x={points.map((p) => p.x)}
        series={[{ label: metric.label, color: '--chart-1', values: points.map((p) => p.y), fill: true }]}
        format={metric.text}
        label={`${metric.label} per day`}
        points
        xFormat="hour"
      />
    );
  }
  const bars = rows
    .map((r) => ({ key: r.key, label: r.label || r.key, value: metric.value(r), text: metric.text(metric.value(r)) }))
    .sort((a, b) => b.value - a.value);
  return (
    <div className={group === 'user' ? 'team-usage-bars' : undefined}>
      <BarList bars={bars} label={`${metric.label} ${group === 'user' ? 'per member' : 'per model'}`} />
    </div>
  );
}

export function UsageCharts() {
  const team = useTeamApi();
  const [group, setGroup] = useState<UsageGroup>('user');
  const [metricId, setMetricId] = useState<Metric>('requests');
  const [days, setDays] = useState<number>(7);
  const usage = useQuery({
    queryKey: teamKeys.usage(group, days),
    queryFn: () => {
      const to = Math.ceil(Date.now() / 1000);
      return team.usage.report(group, to - days * 86_400, to);
    },
    refetchInterval: 10_000,
  });
  const metric = METRICS.find((m) => m.id === metricId)!;
  const rows = usage.data?.data ?? [];
  const total = rows.reduce((sum, r) => sum + metric.value(r), 0);
  return (
    <Card
      title="Usage"
      hint={usage.data ? `${metric.text(total)} in ${days} days` : undefined}
      span={6}
      actions={<Segmented<number> label="Period" options={RANGES.map((d) => ({ id: d, label: `${d} days` }))} value={days} onChange={setDays} />}
    >
      <div className="row team-usage-controls">
        <Segmented<UsageGroup> label="Group usage" options={GROUPS} value={group} onChange={setGroup} />
        <Segmented<Metric> label="Count" options={METRICS} value={metricId} onChange={setMetricId} />
      </div>
      <ErrorNote error={usage.error} />
      {usage.data && rows.length === 0 ? (
        <EmptyState title="No usage yet">Counters are kept per hour; a chat or an API call shows here within seconds.</EmptyState>
      ) : (
        usage.data && <Chart group={group} rows={rows} metric={metric} />
      )}
    </Card>
  );
}
