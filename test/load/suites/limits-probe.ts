/**
 * Health probe in its own process (so the load generator's busy event loop does not slow it down):
 * `node --import tsx limits-probe.ts <url> <everyMs>`. Alternates a probe on a kept-alive connection (as
 * a monitoring agent holds one) and one on a new connection (as a load balancer opens), each `GET
 * /v1/health`, until its stdin closes; then prints one JSON line with both series' percentiles.
 */
import { Agent, request } from 'node:http';

const [url, every] = process.argv.slice(2);
const everyMs = Number(every ?? 50);
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
const series: Record<'kept' | 'fresh', { ms: number[]; failures: number }> = { kept: { ms: [], failures: 0 }, fresh: { ms: [], failures: 0 } };
let running = true;
process.stdin.on('end', () => (running = false));
process.stdin.on('close', () => (running = false));
process.stdin.resume();

function probe(agent: Agent | false): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/v1/health`, { agent, timeout: 15_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ ok: res.statusCode === 200, ms: performance.now() - started }));
    });
    req.once('error', () => resolve({ ok: false, ms: performance.now() - started }));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

await probe(keepAlive); // open the kept-alive connection before the load starts
process.stdout.write('ready\n');
while (running) {
  for (const [name, agent] of [['kept', keepAlive], ['fresh', false]] as const) {
    const { ok, ms } = await probe(agent);
    series[name].ms.push(ms);
    if (!ok) series[name].failures++;
  }
  await new Promise((resolve) => setTimeout(resolve, everyMs));
}
if (process.env.PROBE_DEBUG) process.stderr.write(`fresh: ${series.fresh.ms.map((m) => m.toFixed(0)).join(" ")}\nkept: ${series.kept.ms.map((m) => m.toFixed(0)).join(" ")}\n`);
const summary = Object.fromEntries(Object.entries(series).map(([name, { ms, failures }]) => [
  name, { probes: ms.length, failures, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: Math.max(...ms) },
]));
process.stdout.write(`${JSON.stringify(summary)}\n`);
keepAlive.destroy();
