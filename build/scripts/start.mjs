// `npm start`: builds the server and the dashboard first only when their build output is missing or stale,
// then runs the server. A dashboard that cannot be built (no dev dependencies) is not fatal: the server then
// serves its minimal page at `/`. `--help` and `--version` answer at once, before any build (server-module.mjs:
// from the built server when it is fresh, else from the sources through tsx, else after building the server).
import { buildIsStale, entry, rendererIsStale } from './build-state.mjs';
import { importSpecifier } from './script-paths.mjs';
import { importServerModule } from './server-module.mjs';

// The same flags as HELP_FLAGS and VERSION_FLAGS in server/config/help-text.ts, which decides what they print.
const args = process.argv.slice(2);
if (args.some((arg) => ['--help', '-h', '--version'].includes(arg))) {
  const { cliAnswer } = await importServerModule('config/help-text');
  await new Promise((resolve) => process.stdout.write(cliAnswer(args), resolve)); // all of it, even to a pipe on Windows
  process.exit(0);
}
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
