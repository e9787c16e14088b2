/**
 * Writes jan-server.json, the Grafana dashboard of the Performance & SLA Guide ("Grafana Dashboard": five rows,
 * each with the panels it lists), on the `jan_*` metrics the server exports and the recording rules of
 * build/deploy/prometheus/jan-recording.yml. Run: `npx tsx build/deploy/grafana/generate-dashboard.ts`.
 * test/deploy/grafana.test.ts checks the committed file equals what this renders and that every metric a
 * panel queries is one a running server exports.
 *
 * The datasource is the template variable DS_PROMETHEUS (type datasource), so the same file works imported
 * by hand (pick the Prometheus source in the variable) and provisioned from provisioning/dashboards/.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
/** The label filter every panel applies: the chosen replicas. */
const I = 'instance=~"$instance"';
/** The same, narrowed to the chosen routes (request panels). */
const IR = 'instance=~"$instance",route=~"$route"';

interface Target { expr: string; legend?: string; instant?: boolean; table?: boolean; heatmap?: boolean }
interface PanelSpec {
  title: string;
  type: 'gauge' | 'timeseries' | 'heatmap' | 'barchart' | 'piechart' | 'table';
  description: string;
  targets: Target[];
  unit?: string;
  /** [value, color] steps after the base green; e.g. [[0.005, 'red']]. */
  thresholds?: [number, string][];
  min?: number;
  max?: number;
  /** Merge the targets' tables into one (bar chart and table of several queries). */
  merge?: boolean;
  extra?: Record<string, unknown>;
}

export const ROWS: { title: string; panels: PanelSpec[] }[] = [
  {
    title: 'Overview',
    panels: [
      {
        title: 'Total Requests', type: 'gauge', unit: 'short', description: 'Requests answered over the time range (all routes).',
        targets: [{ expr: `sum(increase(jan_requests_total{${I}}[$__range]))`, legend: 'requests' }],
      },
      {
        title: 'Error Rate', type: 'gauge', unit: 'percentunit', min: 0, max: 0.02, thresholds: [[0.005, 'red']],
        description: 'Share of requests answered 5xx (SLA: under 0.5 %) and 4xx.',
        targets: [
          { expr: `(sum(rate(jan_requests_total{${I},status=~"5.."}[$__rate_interval])) or vector(0)) / sum(rate(jan_requests_total{${I}}[$__rate_interval]))`, legend: '5xx' },
          { expr: `(sum(rate(jan_requests_total{${I},status=~"4.."}[$__rate_interval])) or vector(0)) / sum(rate(jan_requests_total{${I}}[$__rate_interval]))`, legend: '4xx' },
        ],
      },
      {
        title: 'Average Response Time', type: 'gauge', unit: 's', min: 0, max: 1, thresholds: [[0.1, 'yellow'], [0.5, 'red']],
        description: 'Mean time to the last byte of the response (the SLA\'s p50 is 100 ms).',
        targets: [{ expr: `sum(rate(jan_request_duration_seconds_sum{${I}}[$__rate_interval])) / sum(rate(jan_request_duration_seconds_count{${I}}[$__rate_interval]))`, legend: 'mean' }],
      },
      {
        title: 'Availability', type: 'gauge', unit: 'percentunit', min: 0.99, max: 1, thresholds: [[0, 'red'], [0.995, 'green']],
        description: 'Requests not answered 5xx over the time range (SLA: 99.5 % a month), and the replicas answering their scrape.',
        targets: [
          { expr: `1 - (sum(increase(jan_requests_total{${I},status=~"5.."}[$__range])) or vector(0)) / sum(increase(jan_requests_total{${I}}[$__range]))`, legend: 'requests' },
          { expr: `avg(up{job="jan-server",${I}})`, legend: 'replicas up' },
        ],
      },
    ],
  },
  {
    title: 'Request Metrics',
    panels: [
      {
        title: 'Request Rate', type: 'timeseries', unit: 'reqps', description: 'Requests per second, per endpoint.',
        targets: [{ expr: `sum by (method, route) (rate(jan_requests_total{${IR}}[$__rate_interval]))`, legend: '{{method}} {{route}}' }],
      },
      {
        title: 'Response Time Distribution', type: 'heatmap', description: 'Requests per latency bucket (jan_request_duration_seconds).',
        targets: [{ expr: `sum by (le) (rate(jan_request_duration_seconds_bucket{${IR}}[$__rate_interval]))`, legend: '{{le}}', heatmap: true }],
        extra: { options: { calculate: false, yAxis: { unit: 's' }, cellGap: 1, color: { mode: 'scheme', scheme: 'Oranges' } } },
      },
      {
        title: 'Response Time Percentiles', type: 'timeseries', unit: 's',
        description: 'p50, p95 and p99 per endpoint over all replicas (recording rules), to compare with the guide\'s per-route targets.',
        targets: [
          { expr: `jan:request_duration_seconds:p50_rate5m{route=~"$route"}`, legend: 'p50 {{method}} {{route}}' },
          { expr: `jan:request_duration_seconds:p95_rate5m{route=~"$route"}`, legend: 'p95 {{method}} {{route}}' },
          { expr: `jan:request_duration_seconds:p99_rate5m{route=~"$route"}`, legend: 'p99 {{method}} {{route}}' },
        ],
      },
      {
        title: 'Error Rate by Endpoint', type: 'barchart', unit: 'percentunit', merge: true,
        description: 'Share of each endpoint\'s requests answered 5xx and 4xx over the time range.',
        targets: [
          { expr: `sum by (route) (increase(jan_requests_total{${IR},status=~"5.."}[$__range])) / sum by (route) (increase(jan_requests_total{${IR}}[$__range]))`, legend: '5xx', instant: true, table: true },
          { expr: `sum by (route) (increase(jan_requests_total{${IR},status=~"4.."}[$__range])) / sum by (route) (increase(jan_requests_total{${IR}}[$__range]))`, legend: '4xx', instant: true, table: true },
        ],
        extra: { options: { xField: 'route', orientation: 'horizontal', showValue: 'auto', stacking: 'none', legend: { showLegend: true, displayMode: 'list', placement: 'bottom' } } },
      },
      {
        title: 'Status Code Distribution', type: 'piechart', description: 'Requests by HTTP status over the time range.',
        targets: [{ expr: `sum by (status) (increase(jan_requests_total{${IR}}[$__range]))`, legend: '{{status}}', instant: true }],
        extra: { options: { pieType: 'pie', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, legend: { showLegend: true, displayMode: 'table', placement: 'right', values: ['value', 'percent'] } } },
      },
    ],
  },
  {
    title: 'Resource Metrics',
    panels: [
      {
        title: 'CPU Usage', type: 'timeseries', unit: 'percentunit', description: 'CPU time of each server process (1.0 = one core busy).',
        targets: [{ expr: `rate(jan_process_cpu_seconds_total{${I}}[$__rate_interval])`, legend: '{{instance}}' }],
      },
      {
        title: 'Memory Usage', type: 'timeseries', unit: 'bytes', description: 'Resident memory and V8 heap in use of each server process.',
        targets: [
          { expr: `jan_process_resident_memory_bytes{${I}}`, legend: 'rss {{instance}}' },
          { expr: `jan_nodejs_heap_size_used_bytes{${I}}`, legend: 'heap {{instance}}' },
        ],
      },
      {
        title: 'Network I/O', type: 'timeseries', unit: 'Bps', description: 'Bytes per second over all network interfaces of each replica\'s machine.',
        targets: [
          { expr: `rate(jan_network_receive_bytes_total{${I}}[$__rate_interval])`, legend: 'in {{instance}}' },
          { expr: `rate(jan_network_transmit_bytes_total{${I}}[$__rate_interval])`, legend: 'out {{instance}}' },
        ],
      },
      {
        title: 'Disk Usage', type: 'gauge', unit: 'percentunit', min: 0, max: 1, thresholds: [[0.8, 'yellow'], [0.9, 'red']],
        description: 'Used share of the data folder\'s file system (red: the Disk alerts\' 10 % free; full: health reason disk_full).',
        targets: [{ expr: `1 - jan_disk_free_bytes{${I}} / jan_disk_size_bytes{${I}}`, legend: '{{instance}}' }],
      },
    ],
  },
  {
    title: 'Database Metrics',
    panels: [
      {
        title: 'Query Duration', type: 'heatmap', description: 'Store operations per duration bucket (jan_db_query_duration_seconds).',
        targets: [{ expr: `sum by (le) (rate(jan_db_query_duration_seconds_bucket{${I}}[$__rate_interval]))`, legend: '{{le}}', heatmap: true }],
        extra: { options: { calculate: false, yAxis: { unit: 's' }, cellGap: 1, color: { mode: 'scheme', scheme: 'Blues' } } },
      },
      {
        title: 'Query Count', type: 'timeseries', unit: 'ops', description: 'Store operations per second, by operation.',
        targets: [{ expr: `sum by (operation) (rate(jan_db_query_duration_seconds_count{${I}}[$__rate_interval]))`, legend: '{{operation}}' }],
      },
      {
        title: 'Connection Pool', type: 'gauge', unit: 'short', min: 0,
        description: 'Database connections running a query and open but idle (SQLite: one connection); 0 up means the database is closed.',
        targets: [
          { expr: `sum(jan_db_connections_active{${I}})`, legend: 'active' },
          { expr: `sum(jan_db_connections_idle{${I}})`, legend: 'idle' },
          { expr: `min(jan_db_up{${I}})`, legend: 'up' },
        ],
      },
      {
        title: 'Slow Queries', type: 'table', merge: true,
        description: 'Store operations of 100 ms or more over the time range, with each operation\'s p99.',
        targets: [
          { expr: `sort_desc(sum by (operation) (increase(jan_db_slow_queries_total{${I}}[$__range])) > 0)`, legend: 'slow', instant: true, table: true },
          { expr: `histogram_quantile(0.99, sum by (operation, le) (rate(jan_db_query_duration_seconds_bucket{${I}}[$__range])))`, legend: 'p99', instant: true, table: true },
        ],
        extra: {
          transformations: [
            { id: 'merge', options: {} },
            { id: 'organize', options: { excludeByName: { Time: true }, renameByName: { 'Value #A': 'slow queries', 'Value #B': 'p99 (s)' } } },
            { id: 'filterByValue', options: { type: 'include', match: 'any', filters: [{ fieldName: 'slow queries', config: { id: 'greater', options: { value: 0 } } }] } },
            { id: 'sortBy', options: { sort: [{ field: 'slow queries', desc: true }] } },
          ],
        },
      },
    ],
  },
  {
    title: 'Cache Metrics',
    panels: [
      {
        title: 'Hit Ratio', type: 'gauge', unit: 'percentunit', min: 0, max: 1, thresholds: [[0, 'red'], [0.5, 'yellow'], [0.8, 'green']],
        description: 'Hits over lookups in the time range, by cache (response, ocr; prompt counts tokens).',
        targets: [{ expr: `sum by (cache) (increase(jan_cache_lookups_total{${I},result="hit"}[$__range])) / sum by (cache) (increase(jan_cache_lookups_total{${I}}[$__range]))`, legend: '{{cache}}' }],
      },
      {
        title: 'Eviction Rate', type: 'timeseries', unit: 'ops', description: 'Entries dropped to make room per second, by cache (invalidations dashed).',
        targets: [
          { expr: `sum by (cache) (rate(jan_cache_evictions_total{${I}}[$__rate_interval]))`, legend: 'evicted {{cache}}' },
          { expr: `sum by (cache) (rate(jan_cache_invalidations_total{${I}}[$__rate_interval]))`, legend: 'invalidated {{cache}}' },
        ],
      },
      {
        title: 'Memory Usage', type: 'gauge', unit: 'bytes', min: 0, description: 'Bytes held by each cache, over the chosen replicas.',
        targets: [{ expr: `sum by (cache) (jan_cache_bytes{${I}})`, legend: '{{cache}}' }],
      },
    ],
  },
];

const REF = 'ABCDEFGHIJ';

function panel(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }) {
  const steps = [{ color: 'green', value: null as number | null }, ...(spec.thresholds ?? []).map(([value, color]) => ({ color, value }))];
  // A threshold at 0 replaces the base colour (e.g. availability: red below the SLA).
  if (spec.thresholds?.[0]?.[0] === 0) steps.splice(0, 2, { color: spec.thresholds[0][1], value: null });
  const { options, ...rest } = (spec.extra ?? {}) as { options?: Record<string, unknown> };
  return {
    id, type: spec.type, title: spec.title, description: spec.description, datasource: DS, gridPos,
    fieldConfig: {
      defaults: { ...(spec.unit && { unit: spec.unit }), ...(spec.min !== undefined && { min: spec.min }), ...(spec.max !== undefined && { max: spec.max }), thresholds: { mode: 'absolute', steps } },
      overrides: [],
    },
    options: options ?? (spec.type === 'gauge' ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, showThresholdMarkers: true } : {}),
    targets: spec.targets.map((t, i) => ({
      refId: REF[i], datasource: DS, expr: t.expr, legendFormat: t.legend ?? '', range: !t.instant, instant: Boolean(t.instant),
      format: t.heatmap ? 'heatmap' : t.table ? 'table' : 'time_series',
    })),
    ...(spec.merge && !('transformations' in rest) ? { transformations: [{ id: 'merge', options: {} }] } : {}),
    ...rest,
  };
}

function variable(name: string, label: string, query: string) {
  return {
    name, label, type: 'query', datasource: DS, query: { query, refId: `${name}-values` }, definition: query,
    refresh: 2, includeAll: true, multi: true, allValue: '.*', current: { selected: true, text: ['All'], value: ['$__all'] }, sort: 1,
  };
}

export function buildDashboard() {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    const width = Math.floor(24 / row.panels.length);
    row.panels.forEach((spec, i) => panels.push(panel(spec, id++, { x: i * width, y, w: width, h: 8 })));
    y += 8;
  }
  return {
    uid: 'jan-server', title: 'Jan Server', description: 'Performance & SLA Guide dashboard: overview, requests, resources, database, cache.',
    tags: ['jan'], timezone: 'browser', editable: true, graphTooltip: 1, refresh: '10s', schemaVersion: 39, version: 1,
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'DS_PROMETHEUS', label: 'Prometheus', type: 'datasource', query: 'prometheus', refresh: 1, current: {}, hide: 0 },
        variable('instance', 'Replica', 'label_values(jan_requests_total, instance)'),
        variable('route', 'Route', 'label_values(jan_requests_total{instance=~"$instance"}, route)'),
      ],
    },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

export const render = () => `${JSON.stringify(buildDashboard(), null, 2)}\n`;
export const DASHBOARD_FILE = join(dirname(fileURLToPath(import.meta.url)), 'jan-server.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DASHBOARD_FILE, render());
  console.log(`wrote ${DASHBOARD_FILE}`);
}
