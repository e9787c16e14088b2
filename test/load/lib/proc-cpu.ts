/**
 * CPU time of processes that are not ours to ask (PostgreSQL, Redis, haproxy, server replicas), read from
 * /proc/<pid>/stat, so a bench can say how many CPU µs each layer spends per request. Linux only; elsewhere
 * every probe answers undefined and the bench prints '?'.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { CpuProbe } from './measure.js';

/** Linux reports utime, stime, cutime and cstime in USER_HZ ticks, which is 100 per second. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime: the process's own CPU ticks. */
  own: number;
  /** cutime + cstime: ticks of its children that have exited and been waited for. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds of one process (utime + stime), or undefined when it is gone or /proc is missing. */
export function pidCpuProbe(pid: () => number | undefined): CpuProbe {
  return () => {
    const id = pid();
    const stat = id === undefined ? undefined : readStat(id);
    return stat === undefined ? undefined : stat.own / TICKS_PER_SECOND;
  };
}

/**
 * CPU seconds of a process and all its descendants, e.g. PostgreSQL's postmaster and its backends. A backend
 * that exited is counted too: its time moved into its parent's cutime/cstime when it was waited for (and a
 * live child's time is not in its parent's, so nothing is counted twice).
 */
export function treeCpuProbe(rootPid: () => number | undefined): CpuProbe {
  return () => {
    const root = rootPid();
    if (root === undefined || readStat(root) === undefined) return undefined;
    const stats = new Map<number, ProcStat>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(Number(entry));
      if (stat) stats.set(Number(entry), stat);
    }
    const children = new Map<number, number[]>();
    for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
    let ticks = 0;
    const pending = [root];
    while (pending.length > 0) {
      const pid = pending.pop()!;
      const stat = stats.get(pid);
      if (stat) ticks += stat.own + stat.reaped;
      pending.push(...(children.get(pid) ?? []));
    }
    return ticks / TICKS_PER_SECOND;
  };
}

/** The sum of several probes (e.g. every replica); undefined if any is unreadable. */
export function sumCpuProbes(probes: CpuProbe[]): CpuProbe {
  return () => {
    let total = 0;
    for (const probe of probes) {
      const seconds = probe();
      if (seconds === undefined) return undefined;
      total += seconds;
    }
    return total;
  };
}
