/**
 * The Grafana dashboard: the committed JSON is what generate-dashboard.ts renders, it has the guide's five
 * rows with each panel the guide lists under them, every panel's PromQL names only metrics a running server
 * exports (or recording rules of build/deploy/prometheus), and so do the shipped rules.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DASHBOARD_FILE, render } from '../../build/deploy/grafana/generate-dashboard.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { metricNames, scrapeNames } from './promql-names.js';
import { PROMTOOL, promtool } from './promtool.js';

/** The guide's "Grafana Dashboard" section: each row, the panels it lists and the chart type it names for each. */
const GUIDE_ROWS: Record<string, [title: string, type: string][]> = {
  'Overview': [['Total Requests', 'gauge'], ['Error Rate', 'gauge'], ['Average Response Time', 'gauge'], ['Availability', 'gauge']],
  'Request Metrics': [
    ['Request Rate', 'timeseries'], ['Response Time Distribution', 'heatmap'], ['Error Rate by Endpoint', 'barchart'], ['Status Code Distribution', 'piechart'],
  ],
  'Resource Metrics': [['CPU Usage', 'timeseries'], ['Memory Usage', 'timeseries'], ['Network I/O', 'timeseries'], ['Disk Usage', 'gauge']],
  'Database Metrics': [['Query Duration', 'heatmap'], ['Query Count', 'timeseries'], ['Connection Pool', 'gauge'], ['Slow Queries', 'table']],
  'Cache Metrics': [['Hit Ratio', 'gauge'], ['Eviction Rate', 'timeseries'], ['Memory Usage', 'gauge']],
};

interface Panel { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string; datasource: { uid: string } }[] }
interface Dashboard { panels: Panel[]; templating: { list: { name: string; type: string; query: unknown }[] } }

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const RULES_DIR = join('build', 'deploy', 'prometheus');
const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml')).map((f) => join(RULES_DIR, f));
const rules = ruleFiles.flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules));
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = new Set(['up']);
/** Exported only with a configuration the test server does not have (Redis: JAN_REDIS_URL). */
const CONDITIONAL = new Set(['jan_redis_up']);

/** Rows in order, each with the panels that follow it. */
function rows(): Map<string, Panel[]> {
  const result = new Map<string, Panel[]>();
  let current: Panel[] | undefined;
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') result.set(panel.title, (current = []));
    else current?.push(panel);
  }
  return result;
}

describe('Grafana dashboard', () => {
  it('is the file generate-dashboard.ts renders', () => {
    expect(readFileSync(DASHBOARD_FILE, 'utf8'), 'run: npx tsx build/deploy/grafana/generate-dashboard.ts').toBe(render());
  });

  it('has the guide\'s five rows in order, each with the panels the guide lists, of the chart type it names', () => {
    const found = rows();
    expect([...found.keys()]).toEqual(Object.keys(GUIDE_ROWS));
    for (const [row, listed] of Object.entries(GUIDE_ROWS)) {
      for (const [title, type] of listed) {
        expect(found.get(row)!.find((p) => p.title === title)?.type, `${row} / ${title}`).toBe(type);
      }
    }
  });

  it.skipIf(!PROMTOOL)('every panel query is valid PromQL (promtool, with Grafana\'s variables filled in)', () => {
    const fill = (expr: string) => expr.replace(/\$__range|\$__rate_interval/g, '5m').replace(/\$(instance|route)/g, '.*');
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => fill(t.expr)));
    const dir = mkdtempSync(join(tmpdir(), 'jan-grafana-'));
    const file = join(dir, 'panels.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'panels', rules: exprs.map((expr, i) => ({ record: `panel:query_${i}`, expr })) }] }));
    const result = promtool(['check', 'rules', file]);
    rmSync(dir, { recursive: true });
    expect(result.status, result.output).toBe(0);
  });

  it('queries the Prometheus datasource variable and offers instance and route variables', () => {
    const variables = dashboard.templating.list;
    expect(variables.find((v) => v.name === 'DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.map((v) => v.name)).toEqual(expect.arrayContaining(['instance', 'route']));
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
  });
});

describe('metric names against a running server', () => {
  let server: TestServer;
  let known: Set<string>;
  beforeAll(async () => {
    server = await startTestServer();
    known = new Set([...(await scrapeNames(server)), ...recorded, ...PROMETHEUS_SERIES]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every panel names only metrics the server exports or the recording rules define', () => {
    const unknown: string[] = [];
    let checked = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const names = metricNames(target.expr);
        expect(names.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        checked += names.length;
        unknown.push(...names.filter((n) => !known.has(n)).map((n) => `${panel.title}: ${n}`));
      }
    }
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('every rule names only metrics the server exports or other rules record', () => {
    const unknown = rules.flatMap((r) => metricNames(r.expr).filter((n) => !known.has(n) && !CONDITIONAL.has(n)).map((n) => `${r.alert ?? r.record}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('a name the server does not export is caught', () => {
    expect(metricNames('sum(rate(jan_no_such_metric_total{instance=~"$instance"}[$__rate_interval]))').filter((n) => !known.has(n))).toEqual(['jan_no_such_metric_total']);
  });
});
