/**
 * The cluster bench's table: per set-up and endpoint, RPS, p50/p95, errors and the CPU µs each layer spent per
 * request (server processes, PostgreSQL, Redis, haproxy, the load generator); then, from the cluster's figures,
 * what one core of each layer serves — the numbers a projection to N nodes is made from.
 */
import type { LayeredEndpointResult } from './measure.js';

export const LAYERS = ['server', 'postgres', 'redis', 'haproxy'] as const;
export type Layer = (typeof LAYERS)[number];

export interface SetupResult {
  setup: 'sqlite' | 'postgres' | 'cluster';
  /** e.g. 'SQLite, 1 node'. */
  label: string;
  results: LayeredEndpointResult[];
  /** Per layer: CPU share of one core with no requests (null: unreadable). */
  idleCpuCores: Record<string, number | null>;
}

export interface EndpointRow {
  setup: SetupResult['setup'];
  endpoint: string;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  failures: number;
  /** CPU µs per request by layer (absent: the set-up has no such layer; null: unreadable). */
  cpuUsPerRequest: Partial<Record<Layer | 'bench', number | null>>;
  /** Sum of the layers (not the load generator). */
  totalUsPerRequest: number | null;
  loadAverage1m: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function toRows(setups: SetupResult[]): EndpointRow[] {
  return setups.flatMap(({ setup, results }) => results.map((r) => {
    const n = r.measurement.responses;
    const perRequest = (seconds: number | null) => (seconds === null || n === 0 ? null : round((seconds * 1e6) / n));
    const cpu: EndpointRow['cpuUsPerRequest'] = {};
    for (const layer of LAYERS) if (layer in r.layerCpuSeconds) cpu[layer] = perRequest(r.layerCpuSeconds[layer]!);
    cpu.bench = perRequest(r.benchCpuCores * r.measurement.elapsedSec);
    const layers = LAYERS.filter((layer) => layer in cpu).map((layer) => cpu[layer]);
    return {
      setup, endpoint: r.name, rps: Math.round(r.measurement.rps),
      p50Ms: round(r.measurement.latencyMs.p50, 2), p95Ms: round(r.measurement.latencyMs.p95, 2), p99Ms: round(r.measurement.latencyMs.p99, 2),
      failures: r.measurement.non2xx + r.measurement.errors,
      cpuUsPerRequest: cpu,
      totalUsPerRequest: layers.some((v) => v === null || v === undefined) ? null : round(layers.reduce((a, b) => a! + b!, 0)!),
      loadAverage1m: round(r.loadAverage1m, 2),
    };
  }));
}

const cell = (value: number | null | undefined) => (value === undefined ? '—' : value === null ? '?' : value.toLocaleString('en-US', { maximumFractionDigits: 0 }));

export function formatIdle(setups: SetupResult[]): string {
  return setups.map((s) => `  ${s.setup.padEnd(9)} ${Object.entries(s.idleCpuCores).map(([layer, cores]) => `${layer} ${cores === null ? '?' : `${Math.round(cores * 100)}%`}`).join(', ')}`).join('\n');
}

export function formatRows(rows: EndpointRow[]): string {
  const header = ['set-up', 'endpoint', 'RPS', 'p50 ms', 'p95 ms', 'errors', 'server µs', 'pg µs', 'redis µs', 'haproxy µs', 'total µs', 'bench µs', 'load'];
  const body = rows.map((r) => [
    r.setup, r.endpoint, cell(r.rps), r.p50Ms.toFixed(2), r.p95Ms.toFixed(2), String(r.failures),
    ...LAYERS.map((layer) => cell(r.cpuUsPerRequest[layer])), cell(r.totalUsPerRequest), cell(r.cpuUsPerRequest.bench), r.loadAverage1m.toFixed(1),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export interface Projection {
  endpoint: string;
  /** Requests/s one fully available core of each layer serves (1e6 / its µs per request); null: no CPU seen (under one 10 ms tick) or unreadable. */
  rpsPerCore: Partial<Record<Layer, number | null>>;
  /** N nodes × `nodeCores` for the servers, PostgreSQL on `databaseCores`: the smaller of the two bounds. */
  projectedRps: number | null;
  boundBy: 'servers' | 'postgres' | null;
}

/** On paper: N nodes of C cores serve N × C × 1e6 / server µs; PostgreSQL on D cores caps it at D × 1e6 / its µs. */
export function project(rows: EndpointRow[], shape: { nodes: number; nodeCores: number; databaseCores: number }): Projection[] {
  return rows.filter((r) => r.setup === 'cluster').map((r) => {
    const rpsPerCore: Projection['rpsPerCore'] = {};
    for (const layer of LAYERS) {
      const us = r.cpuUsPerRequest[layer];
      if (us !== undefined) rpsPerCore[layer] = us === null || us === 0 ? null : Math.round(1e6 / us);
    }
    const servers = rpsPerCore.server ? shape.nodes * shape.nodeCores * rpsPerCore.server : null;
    const database = rpsPerCore.postgres ? shape.databaseCores * rpsPerCore.postgres : null;
    const bound = servers === null ? null : database === null || servers <= database ? 'servers' : 'postgres';
    return { endpoint: r.endpoint, rpsPerCore, projectedRps: bound === null ? null : Math.round(Math.min(servers!, database ?? Infinity)), boundBy: bound };
  });
}

export function formatProjection(projections: Projection[], shape: { nodes: number; nodeCores: number; databaseCores: number }): string {
  const header = ['endpoint', 'server RPS/core', 'pg RPS/core', 'redis RPS/core', 'haproxy RPS/core', `${shape.nodes}×${shape.nodeCores} cores + pg ${shape.databaseCores}`, 'bound by'];
  // '∞': the layer used less than one 10 ms clock tick over the whole run (e.g. PostgreSQL behind a cache hit).
  const body = projections.map((p) => [p.endpoint, ...LAYERS.map((layer) => (p.rpsPerCore[layer] === null ? '∞' : cell(p.rpsPerCore[layer]))), cell(p.projectedRps), p.boundBy ?? '?']);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
