// `npm start`: builds the server and the dashboard first only when their build output is missing or stale,
// then runs the server. A dashboard that cannot be built (no dev dependencies) is not fatal: the server then
// serves its minimal page at `/`.
import { buildIsStale, entry, rendererIsStale } from './build-state.mjs';
import { importSpecifier } from './script-paths.mjs';

if (buildIsStale()) {
  process.stderr.write('jan-server: building the server (first start or sources changed)…\n');
  const { build } = await import('./build.mjs');
  build();
}
if (rendererIsStale()) {
  process.stderr.write('jan-server: building the dashboard (first start or sources changed)…\n');
  const { buildRenderer } = await import('./build.mjs');
  try {
    buildRenderer();
  } catch (error) {
    process.stderr.write(`jan-server: the dashboard could not be built (${error.message.split('\n')[0]}); serving the minimal page.\n`);
  }
}
await import(importSpecifier(entry));
