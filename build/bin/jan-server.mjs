#!/usr/bin/env node
// The package's command (package.json "bin"): `npx jan-server [serve] [options]` from a clone after `npm install`,
// the same as `npm start -- [options]` (start.mjs: builds the server and the dashboard first when their build is
// missing or stale, then runs server/main.ts's build, which reads the command and the options from this process's
// argv). A mistyped command is refused here, before any build; `--help` and `--version` answer at once.
import { importServerModule } from '../scripts/server-module.mjs';

const args = process.argv.slice(2);
// The same flags as HELP_FLAGS and VERSION_FLAGS in server/config/help-text.ts: start.mjs answers them.
if (!args.some((arg) => ['--help', '-h', '--version'].includes(arg))) {
  const { parseCommandLine } = await importServerModule('config/command-line');
  try {
    parseCommandLine(args);
  } catch (error) {
    process.stderr.write(`jan-server: ${error.message}\n`);
    process.exit(2);
  }
}
await import('../scripts/start.mjs');
