/**
 * The Prometheus of `npm run cluster` (build/deploy/local/prometheus-server.ts): Debian's prometheus, started
 * unprivileged in a temp folder, scrapes real servers' /metrics (targets `up`), reports a replica that is not
 * there as `down`, and loads and evaluates every shipped rule file without errors. Skipped without the binary.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, PROMETHEUS_BIN, ruleFilesIn, startPrometheus, type Prometheus } from '../../build/deploy/local/prometheus-server.js';
import { freePort } from '../cluster/service-process.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const RULES = join('build', 'deploy', 'prometheus');
const present = existsSync(PROMETHEUS_BIN);
if (!present) console.warn(`${PROMETHEUS_BIN} is missing (apt-get install prometheus): the local Prometheus test is skipped`);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the local rule files and config', () => {
  it('loads rule files (top-level groups) and not promtool test files', async () => {
    const files = await ruleFilesIn(RULES);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.endsWith('.yml'))).toBe(true);
    expect(await ruleFilesIn(join(RULES, 'tests'))).toEqual([]);
    expect(await ruleFilesIn(join(RULES, 'no-such-folder'))).toEqual([]);
  });

  it('scrapes every target and names no rule files when there are none', () => {
    const config = configFor({ targets: ['127.0.0.1:1', '127.0.0.1:2'] }, []);
    expect(config).toContain("targets: ['127.0.0.1:1', '127.0.0.1:2']");
    expect(config).not.toContain('rule_files');
  });
});

describe.skipIf(!present)('Prometheus scraping replicas', () => {
  const servers: TestServer[] = [];
  let prometheus: Prometheus;
  let missing: string;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) servers.push(await startTestServer());
    missing = `127.0.0.1:${await freePort()}`;
    prometheus = await startPrometheus({ targets: [...servers.map((s) => `127.0.0.1:${s.port}`), missing], rulesDir: RULES, scrapeIntervalSec: 1 });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    for (const server of servers) await server.close();
  });

  it('shows each replica up and the missing one down', async () => {
    const targets = await until(() => prometheus.targets(), (t) => t.length === servers.length + 1 && t.every((x) => x.health !== 'unknown'));
    const health = Object.fromEntries(targets.map((t) => [t.instance, t.health]));
    for (const server of servers) expect(health[`127.0.0.1:${server.port}`], JSON.stringify(targets)).toBe('up');
    expect(health[missing]).toBe('down');
  }, 40_000);

  it('evaluates every shipped rule without errors', async () => {
    expect(prometheus.ruleFiles).toEqual(await ruleFilesIn(RULES));
    type Rules = { data: { groups: { file: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
    const read = async () => ((await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as Rules).data.groups.flatMap((g) => g.rules);
    const rules = await until(read, (r) => r.length > 0 && r.every((x) => x.health !== 'unknown'));
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  }, 40_000);
});
