/**
 * Scrapes `/metrics` and parses it with a real Prometheus text-format parser (prom2javascript), which
 * throws on lines it cannot parse and on malformed histograms, so a scrape is also a format check.
 *
 * One exception: prom-client writes NaN as `Nan` (e.g. the event-loop lag before its first sample).
 * Prometheus reads it (Go's ParseFloat ignores case), this parser reads no NaN at all, so those samples
 * are set aside in `nanSamples` for the test to judge.
 */
import { getMetricsFromIterator, type PromData, type PromHistogramData, type PromMetrics } from 'prom2javascript';

export interface Scrape {
  contentType: string | null;
  text: string;
  metrics: PromMetrics;
  /** Sample lines whose value is NaN, left out of `metrics`. */
  nanSamples: string[];
  /** The value of the sample of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number;
  /** The histogram series of `name` whose labels include `labels`, or undefined. */
  histogram(name: string, labels?: Record<string, string>): PromHistogramData | undefined;
  /** Every value the label `label` takes across the samples of `name`. */
  labelValues(name: string, label: string): string[];
}

const matches = (actual: Record<string, string>, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => actual[key] === value);

export async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const lines = text.split('\n');
  const isNan = (line: string) => !line.startsWith('#') && /\s(nan)$/i.test(line.trim());
  const metrics = await getMetricsFromIterator(lines.filter((line) => !isNan(line))[Symbol.iterator]());
  const samples = (name: string) => (metrics[name]?.data ?? []) as Array<PromData | PromHistogramData>;
  return {
    contentType: response.headers.get('content-type'),
    text,
    metrics,
    nanSamples: lines.filter(isNan),
    value(name, labels = {}) {
      const found = (samples(name) as PromData[]).filter((s) => matches(s.labels, labels));
      if (found.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${found.length} series`);
      return found[0]?.value ?? 0;
    },
    histogram(name, labels = {}) {
      return (samples(name) as PromHistogramData[]).find((s) => matches(s.labels, labels));
    },
    labelValues(name, label) {
      return [...new Set(samples(name).map((s) => s.labels[label]).filter((v): v is string => v !== undefined))];
    },
  };
}
