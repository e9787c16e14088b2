/**
 * The figures Prometheus alerts and the Grafana dashboard need that no request observes: whether the data
 * folder's disk is full (the health report's `disk_full`) and how much room it has, the hard limits in force
 * (so "connections near the hard limit" follows Settings), and the machine's network bytes (/proc/net/dev;
 * they stay 0 where there is none). Everything is read at scrape time.
 */
import { readFile, statfs } from 'node:fs/promises';
import { Counter, Gauge, type Registry } from 'prom-client';
import { parseNetDev } from './resources.js';

export interface OperationsGaugeSources {
  /** The data folder (its file system's size and free space are reported). */
  dataDir: string;
  /** True while the data folder's disk counts as full. */
  diskFull: () => boolean;
  /** The hard limits now in force, by limit name (connections, streams, queue). */
  hardLimits: () => Record<string, number>;
  /** Reads /proc/net/dev (injected in tests); resolves null where there is none. */
  readNetDev?: () => Promise<string | null>;
}

const readProcNetDev = () => readFile('/proc/net/dev', 'utf8').catch(() => null);

export function registerOperationsGauges(registry: Registry, sources: OperationsGaugeSources): void {
  const registers = [registry];
  new Gauge({
    name: 'jan_disk_full', help: '1 while the data folder\'s disk is full (a write failed for lack of space and no room came back yet), else 0.',
    registers, collect() { this.set(sources.diskFull() ? 1 : 0); },
  });
  const disk = async () => statfs(sources.dataDir).catch(() => undefined);
  new Gauge({
    name: 'jan_disk_free_bytes', help: 'Bytes available to the server on the data folder\'s file system.', registers,
    async collect() { const s = await disk(); if (s) this.set(s.bavail * s.bsize); },
  });
  new Gauge({
    name: 'jan_disk_size_bytes', help: 'Size of the data folder\'s file system in bytes.', registers,
    async collect() { const s = await disk(); if (s) this.set(s.blocks * s.bsize); },
  });
  new Gauge({
    name: 'jan_limit_hard', help: 'Hard limit in force, by limit (connections, streams, queue).',
    labelNames: ['limit'] as const, registers,
    collect() { for (const [limit, value] of Object.entries(sources.hardLimits())) this.set({ limit }, value); },
  });
  // Counters fed at scrape time with the growth since their previous scrape (the kernel's totals only grow).
  const readNetDev = sources.readNetDev ?? readProcNetDev;
  for (const [name, field, what] of [['jan_network_receive_bytes_total', 'rx', 'received'], ['jan_network_transmit_bytes_total', 'tx', 'sent']] as const) {
    let last: number | undefined;
    new Counter({
      name, help: `Bytes ${what} on all network interfaces of the machine (Linux; 0 elsewhere).`, registers,
      async collect() {
        const text = await readNetDev();
        const totals = text === null ? null : parseNetDev(text);
        if (!totals) return;
        this.inc(last === undefined ? totals[field] : Math.max(0, totals[field] - last));
        last = totals[field];
      },
    });
  }
}
