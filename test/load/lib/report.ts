/**
 * Puts each measurement beside the guide's targets and our own goals for this 2-core machine, prints the
 * table and writes the whole result as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { slaTargetFor, type EndpointSlaTarget } from '../../../server/metrics/sla-targets.js';
import type { Measurement, Scenario } from './load-driver.js';

/** Our goals, stricter than the guide: 3x its throughput, and a p99 below its p50. */
export const THROUGHPUT_FACTOR = 3;

export interface Verdict {
  met: boolean;
  /** Throughput: measured / guide target. Latency: measured p99 / guide p50. */
  ratio: number;
}

export interface EndpointResult {
  name: string;
  method: string;
  route: string;
  target: EndpointSlaTarget | null;
  measurement: Measurement;
  /** CPU use over the measured run, as a share of one core (1 = one core busy all the time). */
  serverCpuCores: number | null;
  /**
   * Server CPU time per response in microseconds. Unlike RPS it hardly changes when other processes share
   * the cores, so 1e6 / this is the RPS one fully available core would give.
   */
  serverCpuUsPerRequest: number | null;
  benchCpuCores: number;
  loadAverage1m: number;
  throughputGoal: Verdict | null;
  latencyGoal: Verdict | null;
}

export function judge(scenario: Scenario, measurement: Measurement, cpu: { server: number | null; bench: number; load: number }): EndpointResult {
  const target = slaTargetFor(scenario.method, scenario.route) ?? null;
  // A range ("50-100 RPS") is judged against its lower end, the figure the guide promises at least.
  const throughputRatio = target ? measurement.rps / target.throughputRps.min : 0;
  const latencyRatio = target?.latencyMs ? measurement.latencyMs.p99 / target.latencyMs.p50 : 0;
  const failed = measurement.non2xx + measurement.errors > 0;
  return {
    name: scenario.name,
    method: scenario.method,
    route: scenario.route,
    target,
    measurement,
    serverCpuCores: cpu.server,
    serverCpuUsPerRequest: cpu.server === null || measurement.responses === 0 ? null : (cpu.server * measurement.elapsedSec * 1e6) / measurement.responses,
    benchCpuCores: cpu.bench,
    loadAverage1m: cpu.load,
    throughputGoal: target ? { met: !failed && throughputRatio >= THROUGHPUT_FACTOR, ratio: throughputRatio } : null,
    latencyGoal: target?.latencyMs ? { met: !failed && latencyRatio < 1, ratio: latencyRatio } : null,
  };
}

const num = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const msText = (value: number) => (value < 10 ? num(value, 2) : value < 100 ? num(value, 1) : num(value));
const verdictText = (verdict: Verdict | null) => (verdict ? `${verdict.met ? 'met' : 'NOT met'} ${num(verdict.ratio, 2)}x` : '—');

function errorText(m: Measurement): string {
  const failures = m.non2xx + m.errors;
  if (failures === 0) return '0';
  const codes = Object.entries(m.statuses).filter(([code]) => !code.startsWith('2')).map(([code, n]) => `${code}:${n}`);
  if (m.errors > 0) codes.push(`net:${m.errors}`);
  return `${failures} (${codes.join(' ')})`;
}

function row(r: EndpointResult): string[] {
  const { latencyMs: l } = r.measurement;
  const t = r.target;
  return [
    r.name,
    num(r.measurement.rps),
    msText(l.p50), msText(l.p95), msText(l.p99),
    errorText(r.measurement),
    t ? num(t.throughputRps.min) : '—',
    t?.latencyMs ? `${num(t.latencyMs.p50)}/${num(t.latencyMs.p95)}/${num(t.latencyMs.p99)}` : '—',
    verdictText(r.throughputGoal),
    verdictText(r.latencyGoal),
    r.serverCpuCores === null ? '?' : `${Math.round(r.serverCpuCores * 100)}%`,
    r.serverCpuUsPerRequest === null ? '?' : num(r.serverCpuUsPerRequest),
    r.serverCpuUsPerRequest === null ? '?' : num(1e6 / r.serverCpuUsPerRequest),
  ];
}

const HEADER = ['endpoint', 'RPS', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'guide RPS', 'guide p50/95/99', `RPS >= ${THROUGHPUT_FACTOR}x guide`, 'p99 < guide p50', 'srv CPU', 'CPU us/req', 'RPS/core'];

/** A plain-text table; numbers right-aligned. */
export function formatTable(results: EndpointResult[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 8 || i === 9 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
