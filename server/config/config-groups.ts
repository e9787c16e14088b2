/**
 * The headings the options fall under, in the schema's (and the README table's) order: each group starts at the
 * named key and runs to the next group's first key. `--help` and the dashboard's Settings page both group by it.
 */
import { configSchema, type ConfigSchema } from './schema.js';

export const CONFIG_GROUPS: ReadonlyArray<readonly [title: string, firstKey: keyof ConfigSchema]> = [
  ['Server', 'host'],
  ['Logging', 'logLevel'],
  ['Access and requests', 'auth'],
  ['Media and OCR', 'mediaMaxUploadBytes'],
  ['Local inference', 'threads'],
  ['Response API (sentiment, summary, content analysis)', 'analysisModel'],
  ['Limits, response cache, data lifecycle, backups', 'rateSoftLimit'],
  ['Running on a server (PostgreSQL, Redis, replicas, remote engines)', 'databaseUrl'],
];

/** Every key's group title, walking the schema in order (a key added anywhere lands in the group it sits in). */
export function configGroupOf(): ReadonlyMap<keyof ConfigSchema, string> {
  const starts = new Map<string, string>(CONFIG_GROUPS.map(([title, first]) => [first, title]));
  const groups = new Map<keyof ConfigSchema, string>();
  let current = CONFIG_GROUPS[0]![0];
  for (const name of Object.keys(configSchema) as (keyof ConfigSchema)[]) {
    current = starts.get(name) ?? current;
    groups.set(name, current);
  }
  return groups;
}
