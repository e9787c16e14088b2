#!/usr/bin/env node
// Runs one of Jan Server's Newman collections against a fresh server of ours and checks the result against
// test/jan/expected-failures.json: every step must pass except the listed ones (which say why).
//
//   npm run test:jan -- <collection.json> [--folder NAME]... [--guest-token-var NAME]... [--with-test-model] [--postgres | --cluster]
//
// The server runs from the build (built first if stale) on a free port with a temp data folder.
// --guest-token-var sets a Newman environment variable to a fresh guest token (for steps that expect a
// Keycloak user token we cannot have offline).
// --with-test-model writes the designed test model (test/support/gguf/designed-model.ts, which always answers
// "Hey world") into the server's models folder, so the chat steps have a model to run.
// --postgres keeps the server's data in a fresh database on a PostgreSQL server started for the run
// (test/cluster/postgres-server.ts: Debian's postgresql, unprivileged, in a temp folder) instead of SQLite.
// --cluster runs it through haproxy against three replicas sharing PostgreSQL, Redis and the models folder
// (test/cluster/local-cluster.ts), instead of one server; each replica runs the test model itself, since Jan's
// conversation-linked chat keeps its turns in the database of the server that runs the model.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { buildIsStale, entry, root } from './build-state.mjs';

const newman = createRequire(import.meta.url)('newman');

function parseArgs(argv) {
  const args = { collection: undefined, folders: [], guestVars: [], withTestModel: false, postgres: false, cluster: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--folder') args.folders.push(argv[++i]);
    else if (argv[i] === '--guest-token-var') args.guestVars.push(argv[++i]);
    else if (argv[i] === '--with-test-model') args.withTestModel = true;
    else if (argv[i] === '--postgres') args.postgres = true;
    else if (argv[i] === '--cluster') args.cluster = true;
    else if (!args.collection) args.collection = argv[i];
    else throw new Error(`unexpected argument ${argv[i]}`);
  }
  if (!args.collection) throw new Error('usage: run-jan-collection <collection.json> [--folder NAME]... [--guest-token-var NAME]... [--with-test-model] [--postgres | --cluster]');
  return args;
}

function startServer(dataDir, databaseUrl) {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...(databaseUrl && { JAN_DATABASE_URL: databaseUrl }), JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(dataDir, 'models'), JAN_PORT: '0', JAN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /^Server: (\S+)$/m.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
}

function runNewman(options) {
  return new Promise((resolve, reject) => {
    newman.run({ reporters: ['cli'], ...options }, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

async function guestToken(url) {
  const response = await fetch(`${url}/auth/guest-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return (await response.json()).access_token;
}

const args = parseArgs(process.argv.slice(2));
if (buildIsStale()) (await import('./build.mjs')).build();
const expected = JSON.parse(readFileSync(join(root, 'test/jan/expected-failures.json'), 'utf8'))[basename(args.collection)] ?? {};
const dataDir = mkdtempSync(join(tmpdir(), 'jan-newman-'));
if (args.withTestModel) {
  const out = join(dataDir, 'models', 'designed.gguf');
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'test/support/gguf/make-model.ts'), 'designed', '--out', out], { cwd: root, stdio: 'inherit' });
}
// The test helpers are TypeScript: loaded through tsx's API (a dev dependency, as newman is).
const tsHelper = async (path) => (await import('tsx/esm/api')).tsImport(path, import.meta.url);
const postgres = args.postgres ? await (await tsHelper('../../test/cluster/postgres-server.ts')).startPostgres() : undefined;
const cluster = args.cluster ? await (await tsHelper('../../test/cluster/local-cluster.ts')).startLocalCluster({ replicas: 3, env: { JAN_MODELS_DIR: join(dataDir, 'models') } }) : undefined;
const { child, url } = cluster ? { child: undefined, url: cluster.url } : await startServer(dataDir, await postgres?.createDatabase());
console.log(`database: ${postgres || cluster ? 'PostgreSQL' : 'SQLite'}${cluster ? `, through haproxy to ${cluster.replicas.length} replicas` : ''}`);
let exitCode = 1;
try {
  const envVar = [{ key: 'kong_url', value: url }];
  for (const name of args.guestVars) envVar.push({ key: name, value: await guestToken(url) });
  const summary = await runNewman({
    collection: JSON.parse(readFileSync(args.collection, 'utf8')),
    envVar,
    ...(args.folders.length > 0 && { folder: args.folders }),
  });
  const failedSteps = new Map();
  for (const failure of summary.run.failures) {
    const step = failure.source?.name ?? '(collection)';
    failedSteps.set(step, [...(failedSteps.get(step) ?? []), failure.error?.test ?? failure.error?.message]);
  }
  const unexpected = [...failedSteps].filter(([step]) => !(step in expected));
  const executed = new Set(summary.run.executions.map((e) => e.item.name));
  const stillFailingExpected = Object.keys(expected).filter((step) => failedSteps.has(step));
  const nowPassing = Object.keys(expected).filter((step) => executed.has(step) && !failedSteps.has(step));
  console.log(`\n${basename(args.collection)}: ${executed.size} steps run, ${failedSteps.size} with failures`);
  for (const step of stillFailingExpected) console.log(`  expected failure: ${step} — ${expected[step]}`);
  for (const step of nowPassing) console.log(`  listed as expected to fail but passed: ${step} (update test/jan/expected-failures.json)`);
  for (const [step, tests] of unexpected) console.log(`  UNEXPECTED FAILURE: ${step}: ${tests.join('; ')}`);
  console.log(`${executed.size - failedSteps.size} passed, ${unexpected.length} failed, ${stillFailingExpected.length} skipped`);
  exitCode = unexpected.length === 0 && executed.size > 0 ? 0 : 1;
} finally {
  if (child) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await postgres?.stop();
}
process.exit(exitCode);
