/** Registry figures over windows (counter changes on an injected clock), histogram quantiles, /proc/net/dev parsing. */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { histogramQuantile, RegistryWindows, sumOf } from '../../server/metrics/live-registry.js';
import { parseNetDev } from '../../server/metrics/resources.js';

describe('RegistryWindows', () => {
  it('gives a counter\'s change over the window, measured from the newest sample at or before its start', async () => {
    let now = 1_000_000;
    const registry = new Registry();
    const hits = new Counter({ name: 'x_total', help: 'x', labelNames: ['cache'], registers: [registry] });
    const windows = new RegistryWindows(registry, ['x_total'], { now: () => now });
    hits.inc({ cache: 'ocr' }, 5); // before any sample: counted from the start
    now += 10_000;
    expect(await windows.delta('x_total', 60_000)).toEqual({ values: [{ metricName: 'x_total', labels: { cache: 'ocr' }, value: 5 }], spanMs: 10_000 });
    now += 60_000; // the sample taken above is now the window's start
    hits.inc({ cache: 'ocr' }, 2);
    hits.inc({ cache: 'prompt' }, 7);
    const delta = await windows.delta('x_total', 60_000);
    expect(delta.spanMs).toBe(60_000);
    expect(delta.values.map((v) => [v.labels.cache, v.value])).toEqual([['ocr', 2], ['prompt', 7]]);
    expect(sumOf(delta.values, 'x_total', { cache: 'prompt' })).toBe(7);
  });

  it('yields nothing for a metric that does not exist', async () => {
    const windows = new RegistryWindows(new Registry(), ['missing_total']);
    expect([windows.has('missing_total'), await windows.current('missing_total'), (await windows.delta('missing_total', 60_000)).values]).toEqual([false, [], []]);
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket as Prometheus does, summed over label sets', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['model'], buckets: [0.1, 0.2, 0.4], registers: [registry] });
    for (let i = 0; i < 50; i++) h.observe({ model: 'a' }, 0.05);
    for (let i = 0; i < 50; i++) h.observe({ model: 'b' }, 0.15);
    const values = (await new RegistryWindows(registry, []).current('h_seconds'));
    expect(histogramQuantile(values, 'h_seconds', 0.5)).toBeCloseTo(0.1, 9); // exactly the top of the first bucket
    expect(histogramQuantile(values, 'h_seconds', 0.75)).toBeCloseTo(0.15, 9); // halfway into (0.1, 0.2]
    h.observe({ model: 'a' }, 9);
    expect(histogramQuantile(await new RegistryWindows(registry, []).current('h_seconds'), 'h_seconds', 1)).toBe(0.4); // +Inf: the highest bound
    expect(histogramQuantile([], 'h_seconds', 0.5)).toBeNull();
  });
});

describe('parseNetDev', () => {
  it('sums received and transmitted bytes over the interfaces', () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 52000     400    0    0    0     0          0         0    31000     300    0    0    0     0       0          0
`;
    expect(parseNetDev(text)).toEqual({ rx: 53_000, tx: 32_000 });
    expect(parseNetDev('nothing here')).toBeNull();
  });
});
