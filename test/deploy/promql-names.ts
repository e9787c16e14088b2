/**
 * Metric names in PromQL expressions, and the names a running server exports, for the checks that the
 * dashboard and the rules query only what exists.
 */
import type { TestServer } from '../support/test-server.js';

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** The metric (and recording rule) names an expression selects: identifiers that are neither functions, keywords nor labels. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values and strings ($instance, "5..")
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range selectors ([5m], [$__range])
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)) {
    const before = stripped[match.index - 1];
    if (match[1] || NOT_METRICS.has(match[0].toLowerCase()) || (before && /[0-9.$]/.test(before))) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Every series name a /metrics scrape announces, histograms with their _bucket/_sum/_count series. */
export function exportedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

export async function scrapeNames(server: TestServer): Promise<Set<string>> {
  await server.request('/v1/health');
  const scrape = await server.request('/metrics');
  if (scrape.status !== 200) throw new Error(`/metrics answered ${scrape.status}`);
  return exportedNames(scrape.text);
}
