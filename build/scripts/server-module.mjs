// A module of the server for the build scripts (a path under server/, no extension): the built one when the build
// is fresh, else its sources through tsx (a checkout with dev dependencies, where sources change), else it builds
// the server first (never the dashboard) and imports that. `npm start -- --help` uses it to answer without
// waiting for a build.
import { join } from 'node:path';
import { buildIsStale, root } from './build-state.mjs';
import { importSpecifier } from './script-paths.mjs';

export async function importServerModule(path, who = 'jan-server') {
  const built = importSpecifier(join(root, 'dist/server', `${path}.js`));
  if (!buildIsStale()) return import(built);
  const tsx = await import('tsx/esm/api').catch(() => undefined);
  if (tsx) return tsx.tsImport(importSpecifier(join(root, 'server', `${path}.ts`)), import.meta.url);
  process.stderr.write(`${who}: building the server first (sources changed)…\n`);
  const { build } = await import('./build.mjs');
  build();
  return import(built);
}
