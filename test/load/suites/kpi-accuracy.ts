/**
 * Are the dashboard's percentiles right? Drives GET /v1/conversations with autocannon (its own HDR percentiles,
 * see lib/load-driver.ts), then reads the server's KPI snapshot for the same route and window and prints both
 * side by side. The server times request to last byte; the client adds the loopback round trip and its own
 * queueing, so they agree closely at low concurrency and drift apart as connections queue.
 *
 *   npx tsx test/load/suites/kpi-accuracy.ts [--duration 10] [--connections 4,16]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuild } from '../lib/ensure-build.js';
import { runScenario } from '../lib/load-driver.js';
import { startServerChild } from '../lib/server-child.js';

const root = new URL('../../..', import.meta.url).pathname;
const apiKey = 'bench-admin-key-0123456789abcdef';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1]!;
}

async function main(): Promise<void> {
  const durationSec = Number(flag('duration', '10'));
  const connectionCounts = flag('connections', '4,16').split(',').map(Number);
  await ensureBuild(root);
  for (const connections of connectionCounts) {
    const dataDir = mkdtempSync(join(tmpdir(), 'jan-kpi-accuracy-'));
    const server = await startServerChild({ root, dataDir, apiKey });
    try {
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      for (let i = 0; i < 30; i++) await fetch(`${server.url}/v1/conversations`, { method: 'POST', headers, body: '{"title":"x"}' });
      const scenario = { name: 'GET /v1/conversations', method: 'GET' as const, route: '/v1/conversations', next: '/v1/conversations?limit=20' };
      const client = await runScenario(scenario, { url: server.url, connections, durationSec, headers });
      const snapshot = (await (await fetch(`${server.url}/v1/admin/metrics/snapshot?window=1m`, { headers })).json()) as {
        routes: { method: string; route: string; count: number; p50_ms: number; p95_ms: number; p99_ms: number }[];
      };
      const live = snapshot.routes.find((r) => r.method === 'GET' && r.route === '/v1/conversations')!;
      const diff = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
      console.log(`connections ${connections}: client ${client.responses} responses p50 ${client.latencyMs.p50.toFixed(2)} p95 ${client.latencyMs.p95.toFixed(2)} p99 ${client.latencyMs.p99.toFixed(2)} ms`);
      console.log(`  dashboard ${live.count} requests p50 ${live.p50_ms.toFixed(2)} p95 ${live.p95_ms.toFixed(2)} p99 ${live.p99_ms.toFixed(2)} ms; p95 dashboard vs client ${diff(live.p95_ms, client.latencyMs.p95)}`);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
