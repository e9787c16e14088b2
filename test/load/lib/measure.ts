/**
 * One endpoint measured as the suites report it: a warm-up run (discarded), then the measured run with the
 * CPU the server child and this process used during it, judged against the guide's targets.
 */
import { loadavg } from 'node:os';
import { runScenario, type RunOptions, type Scenario } from './load-driver.js';
import { judge, type EndpointResult } from './report.js';
import type { ServerChild } from './server-child.js';

/** CPU seconds one layer (e.g. PostgreSQL's processes) has used so far; undefined when it cannot be read. */
export type CpuProbe = () => number | undefined;

export interface LayeredEndpointResult extends EndpointResult {
  /** Per layer passed to measureEndpoint: CPU seconds it used during the measured run (null if unreadable). */
  layerCpuSeconds: Record<string, number | null>;
}

export async function measureEndpoint(
  scenario: Scenario, run: RunOptions, server: Pick<ServerChild, 'cpuSeconds'>, warmup: { seconds: number; pauseMs?: number },
  layers: Record<string, CpuProbe> = {},
): Promise<LayeredEndpointResult> {
  await runScenario(scenario, { ...run, durationSec: warmup.seconds });
  if (warmup.pauseMs) await new Promise((resolve) => setTimeout(resolve, warmup.pauseMs));
  const load = loadavg()[0]!;
  const layersBefore = Object.entries(layers).map(([name, probe]) => [name, probe()] as const);
  const serverBefore = server.cpuSeconds();
  const benchBefore = process.cpuUsage();
  const measurement = await runScenario(scenario, run);
  const serverAfter = server.cpuSeconds();
  const bench = process.cpuUsage(benchBefore);
  const layerCpuSeconds = Object.fromEntries(layersBefore.map(([name, before]) => {
    const after = layers[name]!();
    return [name, before === undefined || after === undefined ? null : after - before];
  }));
  const wall = measurement.elapsedSec;
  const serverCores = serverBefore === undefined || serverAfter === undefined ? null : (serverAfter - serverBefore) / wall;
  return { ...judge(scenario, measurement, { server: serverCores, bench: (bench.user + bench.system) / 1e6 / wall, load }), layerCpuSeconds };
}
