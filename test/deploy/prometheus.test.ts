/**
 * The shipped Prometheus rules: the generated per-route SLA alerts equal what generate-rules.ts renders from
 * sla-targets.ts, promtool accepts every rule file and passes every unit test, each alert has a test, and a
 * live scrape of a real server passes `promtool check metrics` with no findings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSlaAlerts, renderSlaTests, SLA_ALERTS_FILE, SLA_TESTS_FILE, timedTargets } from '../../build/deploy/prometheus/generate-rules.js';
import { ENDPOINT_SLA_TARGETS } from '../../server/metrics/sla-targets.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { PROMTOOL, PROMTOOL_MISSING, promtool } from './promtool.js';

const DIR = join('build', 'deploy', 'prometheus');
const RULE_FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml')).map((f) => join(DIR, f));
const TEST_FILES = readdirSync(join(DIR, 'tests')).filter((f) => f.endsWith('.yml')).map((f) => join(DIR, 'tests', f));

interface RuleFile { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] }
interface TestFile { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }
const rules = (file: string) => (parse(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);

if (!PROMTOOL) console.warn(PROMTOOL_MISSING);

describe('Prometheus rules', () => {
  it('the per-route SLA alerts and their tests are the ones generate-rules.ts renders', () => {
    expect(readFileSync(SLA_ALERTS_FILE, 'utf8'), 'run: npx tsx build/deploy/prometheus/generate-rules.ts').toBe(renderSlaAlerts());
    expect(readFileSync(SLA_TESTS_FILE, 'utf8'), 'run: npx tsx build/deploy/prometheus/generate-rules.ts').toBe(renderSlaTests());
  });

  it('has a p95 and a p99 alert for every guide route with percentiles, at its target (not for routes that also stream)', () => {
    const sla = rules(SLA_ALERTS_FILE);
    const streams = ENDPOINT_SLA_TARGETS.filter((t) => t.variant === 'stream').map((t) => `${t.method} ${t.route}`);
    expect(streams).toEqual(['POST /v1/chat/completions']);
    const withLatency = ENDPOINT_SLA_TARGETS.filter((t) => t.latencyMs && t.variant === 'default' && !streams.includes(`${t.method} ${t.route}`));
    expect(timedTargets()).toHaveLength(withLatency.length);
    expect(withLatency.length).toBe(13);
    expect(sla.filter((r) => r.expr.includes('route="/v1/chat/completions"'))).toEqual([]);
    for (const t of withLatency) {
      for (const p of ['p95', 'p99'] as const) {
        const rule = sla.find((r) => r.alert === `JanRoute${p.toUpperCase()}OverTarget` && r.expr.includes(`route="${t.route}"`) && r.expr.includes(`method="${t.method}"`));
        expect(rule?.expr, `${p} ${t.method} ${t.route}`).toMatch(new RegExp(` > ${t.latencyMs![p] / 1000}$`));
      }
    }
  });

  it('every alert has a unit test where it fires', () => {
    const alerts = new Set(RULE_FILES.flatMap(rules).flatMap((r) => (r.alert ? [r.alert] : [])));
    const fired = new Set(TEST_FILES.flatMap((file) => (parse(readFileSync(file, 'utf8')) as TestFile).tests
      .flatMap((t) => t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect([...alerts].filter((a) => !fired.has(a))).toEqual([]);
    expect(alerts.size).toBeGreaterThanOrEqual(16);
  });

  it.skipIf(!PROMTOOL)('promtool check rules accepts every rule file', () => {
    const result = promtool(['check', 'rules', ...RULE_FILES]);
    expect(result.output).not.toMatch(/FAILED|lint error/);
    expect(result.status, result.output).toBe(0);
  });

  it.skipIf(!PROMTOOL)('promtool test rules passes every unit test', () => {
    const result = promtool(['test', 'rules', ...TEST_FILES]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/FAILED/);
  });
});

describe.skipIf(!PROMTOOL)('promtool check metrics on a live scrape', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds nothing to report in /metrics of a running server', async () => {
    await server.request('/v1/health');
    const scrape = await server.request('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('jan_requests_total');
    const result = promtool(['check', 'metrics'], scrape.text);
    expect(result.output.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});
