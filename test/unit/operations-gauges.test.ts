/** The scrape-time gauges for alerts and the Grafana dashboard, and the default metrics promtool accepts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../server/metrics/create-metrics.js';
import { registerOperationsGauges } from '../../server/metrics/operations-gauges.js';

const netDev = (rx: number, tx: number) => `Inter-|   Receive |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0
`;

async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = registry.getSingleMetric(name);
  const values = (await metric!.get()).values;
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('registerOperationsGauges', () => {
  it('reports the disk-full state, the data folder\'s disk, the hard limits in force and network growth', async () => {
    const registry = new Registry();
    let full = false;
    let hard = 2000;
    let dev = netDev(1000, 500);
    registerOperationsGauges(registry, {
      dataDir: mkdtempSync(join(tmpdir(), 'jan-gauges-')), diskFull: () => full,
      hardLimits: () => ({ connections: hard, queue: 1000 }), readNetDev: async () => dev,
    });
    expect(await value(registry, 'jan_disk_full')).toBe(0);
    full = true;
    hard = 300;
    expect(await value(registry, 'jan_disk_full')).toBe(1);
    expect(await value(registry, 'jan_limit_hard', { limit: 'connections' })).toBe(300);
    expect(await value(registry, 'jan_limit_hard', { limit: 'queue' })).toBe(1000);
    const size = (await value(registry, 'jan_disk_size_bytes'))!;
    expect(size).toBeGreaterThan(0);
    expect(await value(registry, 'jan_disk_free_bytes')).toBeLessThanOrEqual(size);
    expect(await value(registry, 'jan_network_receive_bytes_total')).toBe(1000);
    dev = netDev(1600, 700);
    expect(await value(registry, 'jan_network_receive_bytes_total')).toBe(1600);
    expect(await value(registry, 'jan_network_transmit_bytes_total')).toBe(700);
  });

  it('leaves the network counters at 0 where there is no /proc/net/dev', async () => {
    const registry = new Registry();
    registerOperationsGauges(registry, { dataDir: tmpdir(), diskFull: () => false, hardLimits: () => ({}), readNetDev: async () => null });
    expect(await value(registry, 'jan_network_transmit_bytes_total')).toBe(0);
  });
});

describe('createMetrics', () => {
  it('reports the database up while it is open, and has no gauge named like a counter', async () => {
    let open = true;
    const metrics = createMetrics({ databaseOpen: () => open });
    expect(await value(metrics.registry, 'jan_db_up')).toBe(1);
    open = false;
    expect(await value(metrics.registry, 'jan_db_up')).toBe(0);
    const gauges = (await metrics.registry.getMetricsAsJSON()).filter((m) => String(m.type) === 'gauge').map((m) => m.name);
    expect(gauges).toContain('jan_nodejs_active_handles');
    expect(gauges.filter((name) => name.endsWith('_total'))).toEqual([]);
  });
});
