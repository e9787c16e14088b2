/**
 * The guide bench's "Load test results indicate" table: each tool's p50/p95/p99, RPS and error rate beside the
 * Performance & SLA Guide's figures, with the machine's cores and the load average during each run (on a shared
 * 2-core machine the load says more about the figures than the code does).
 */
import type { AbResult, WrkResult } from './guide-parsers.js';
import type { K6Result } from './guide-k6.js';
import type { ToolRun } from './guide-tools.js';

/** The guide's "Load test results indicate" figures. */
export const GUIDE = { p50Ms: 20, p95Ms: 50, p99Ms: 100, rps: 5000, errorRate: 0.001 } as const;

export interface Row {
  tool: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rps: number | null;
  requests: number | null;
  errorRate: number | null;
  load: [number, number] | null;
  note: string;
}

export function abRow(run: ToolRun<AbResult>): Row {
  if (!run.parsed.ok) return { tool: 'ab /v1/health', p50: null, p95: null, p99: null, rps: null, requests: null, errorRate: null, load: run.load, note: run.parsed.error };
  const r = run.parsed.result;
  const length = r.failedBy.length > 0 ? `; ${r.failedBy.length} length-only "failures" (bodies vary) not counted` : '';
  return {
    tool: 'ab /v1/health', p50: r.percentilesMs[50] ?? null, p95: r.percentilesMs[95] ?? null, p99: r.percentilesMs[99] ?? null,
    rps: r.rps, requests: r.complete, errorRate: r.complete ? r.errors / r.complete : null, load: run.load,
    note: `no keep-alive (as the guide's command): a new connection per request${length}`,
  };
}

/** What wrk's errors were: a timeout is a request unanswered within wrk's 2 s socket timeout. */
function wrkErrors(r: WrkResult): string {
  if (r.errors === 0) return '';
  const { connect, read, write, timeout } = r.socketErrors;
  const kinds = [[timeout, 'timeouts (no answer within 2 s)'], [r.non2xx3xx, 'non-2xx/3xx'], [connect, 'connect'], [read, 'read'], [write, 'write']] as const;
  return `; errors: ${kinds.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(', ')}`;
}

export function wrkRow(run: ToolRun<WrkResult>): Row {
  if (!run.parsed.ok) return { tool: 'wrk /v1/conversations', p50: null, p95: null, p99: null, rps: null, requests: null, errorRate: null, load: run.load, note: run.parsed.error };
  const r = run.parsed.result;
  const latency = r.latencyMs ?? { p50: r.distributionMs[50] ?? null, p95: null, p99: r.distributionMs[99] ?? null };
  return {
    tool: 'wrk /v1/conversations', p50: latency.p50, p95: latency.p95, p99: latency.p99, rps: r.rps, requests: r.requests,
    errorRate: r.requests ? r.errors / r.requests : null, load: run.load, note: `keep-alive, 12 threads${wrkErrors(r)}`,
  };
}

export function k6Row(result: K6Result): Row {
  const verdicts = result.thresholds.map((t) => `${t.ok ? '✓' : '✗'} ${t.name}`).join(', ');
  return {
    tool: 'k6-like (autocannon) mix', p50: result.latencyMs.p50, p95: result.latencyMs.p95, p99: result.latencyMs.p99, rps: result.rps,
    requests: result.requests, errorRate: result.errorRate, load: result.load,
    note: `ramp ${result.steps[0]}→${Math.max(...result.steps)}→${result.steps.at(-1)} VUs; ${verdicts}`,
  };
}

const num = (value: number | null, digits: number) => (value === null ? '—' : value.toFixed(digits));
const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(3)} %`);

export function formatGuideTable(rows: Row[], machine: { cores: number; loadAtStart: number[] }): string {
  const header = ['', 'p50 ms', 'p95 ms', 'p99 ms', 'RPS', 'errors', 'requests', 'load 1m'];
  const guide = ['guide', String(GUIDE.p50Ms), String(GUIDE.p95Ms), String(GUIDE.p99Ms), GUIDE.rps.toLocaleString('en'), `< ${GUIDE.errorRate * 100} %`, '', ''];
  const lines = [header, guide, ...rows.map((r) => [
    r.tool, num(r.p50, 1), num(r.p95, 1), num(r.p99, 1), num(r.rps, 0), pct(r.errorRate), r.requests === null ? '—' : String(r.requests),
    r.load ? `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}` : '—',
  ])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const [l1, l5, l15] = machine.loadAtStart.map((x) => x.toFixed(2));
  return [
    `Load test results indicate (this machine: ${machine.cores} cores, load average ${l1} / ${l5} / ${l15} at start)`,
    render(lines[0]!),
    render(lines[1]!),
    ...lines.slice(2).map(render),
    '',
    ...rows.map((r) => `  ${r.tool}: ${r.note}`),
  ].join('\n');
}
