// `npm start`: builds the server first only when its build output is missing or stale, then runs it.
import { buildIsStale, entry } from './build-state.mjs';

if (buildIsStale()) {
  process.stderr.write('jan-server: building the server (first start or sources changed)…\n');
  const { build } = await import('./build.mjs');
  build();
}
await import(entry);
