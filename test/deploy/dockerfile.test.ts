/**
 * build/deploy/Dockerfile, read as Docker reads it (instructions, line continuations, stages): no daemon or
 * registry is reachable here, so the image's rules are checked on the file. Multi-stage on a Node LTS slim
 * image, production dependencies only in the final stage, a non-root user, a HEALTHCHECK on /healthz without
 * curl, STOPSIGNAL SIGTERM, volumes for data, models and media, and the documented command.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const deployDir = join(root, 'build/deploy');

interface Instruction { keyword: string; args: string }

/** Joins `\` continuations, drops comments and the parser directive, splits each line into keyword and arguments. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continuation
    if (line.endsWith('\\')) { pending += `${line.slice(0, -1).trimEnd()} `; continue; }
    logical.push(pending + line);
    pending = '';
  }
  return logical.map((line) => {
    const space = line.search(/\s/);
    return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
  });
}

/** The instructions of each stage, the first element of each being its FROM. */
function stages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') out.push([i]);
    else out.at(-1)?.push(i);
  }
  return out;
}

/** ENV in either form (`ENV A=1 B=2` with continuations, or `ENV A 1`). */
function envOf(stage: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.filter((s) => s.keyword === 'ENV')) {
    if (!i.args.includes('=')) { const [k, ...v] = i.args.split(/\s+/); env[k!] = v.join(' '); continue; }
    for (const pair of i.args.split(/\s+/)) { const eq = pair.indexOf('='); env[pair.slice(0, eq)] = pair.slice(eq + 1); }
  }
  return env;
}

const text = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
const instructions = parseDockerfile(text);
const all = stages(instructions);
const final = all.at(-1)!;
const get = (keyword: string) => final.filter((i) => i.keyword === keyword);
const args = Object.fromEntries(instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]));
const image = (from: Instruction) => from.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? '');

describe('build/deploy/Dockerfile', () => {
  it('has a build stage and a runtime stage, both on a Node LTS slim Debian image', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      const match = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(image(stage[0]!));
      expect(match, image(stage[0]!)).not.toBeNull();
      expect(Number(match![1]) % 2, 'an even (LTS) Node major').toBe(0);
      expect(Number(match![1])).toBeGreaterThanOrEqual(20);
    }
  });

  it('builds with npm ci and npm run build in the build stage', () => {
    const runs = all[0]!.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
  });

  it('installs production dependencies only in the final stage and copies no node_modules from the build', () => {
    const runs = get('RUN').map((i) => i.args);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const run of installs) expect(run).toMatch(/--omit=dev\b/);
    for (const copy of get('COPY')) expect(copy.args).not.toMatch(/node_modules/);
    expect(runs.join('\n')).not.toMatch(/npm run build|\btsc\b|\bvite\b/);
    expect(envOf(final).NODE_ENV).toBe('production');
  });

  it('runs as a non-root user', () => {
    const user = get('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('checks /healthz with Node (no curl or wget in a slim image)', () => {
    const [check] = get('HEALTHCHECK');
    expect(check?.args).toMatch(/CMD\s+\["node",\s*"-e"/);
    expect(check?.args).toContain('/healthz');
    expect(check?.args).not.toMatch(/\b(curl|wget)\b/);
  });

  it('stops with SIGTERM (the server drains on it)', () => {
    expect(get('STOPSIGNAL').map((i) => i.args)).toEqual(['SIGTERM']);
  });

  it('declares data, models and media as volumes, where JAN_DATA_DIR, JAN_MODELS_DIR and JAN_MEDIA_DIR point', () => {
    const volumes = get('VOLUME').flatMap((i) => JSON.parse(i.args) as string[]);
    const env = envOf(final);
    for (const name of ['JAN_DATA_DIR', 'JAN_MODELS_DIR', 'JAN_MEDIA_DIR']) expect(volumes, name).toContain(env[name]);
  });

  it('exposes JAN_PORT and starts the documented command on all interfaces', () => {
    expect(get('EXPOSE').map((i) => i.args)).toEqual([envOf(final).JAN_PORT]);
    expect(JSON.parse(get('CMD').at(-1)!.args)).toEqual(['node', 'build/bin/jan-server.mjs', 'serve', '--host', '0.0.0.0']);
  });

  it('ships a .dockerignore beside it that keeps node_modules and local data out of the context', () => {
    const ignore = readFileSync(join(deployDir, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', 'dist', '.git', 'data']) expect(ignore).toContain(entry);
  });

  it('the parser sees a violation (so the checks above can fail)', () => {
    const bad = stages(parseDockerfile('FROM node:22-bookworm-slim\nUSER root\nRUN npm ci \\\n  --include=dev\n'));
    expect(bad[0]!.find((i) => i.keyword === 'USER')?.args).toBe('root');
    expect(bad[0]!.find((i) => i.keyword === 'RUN')?.args).toBe('npm ci --include=dev');
  });
});

/** A free TCP port on loopback (the HEALTHCHECK reads JAN_PORT, so port 0 will not do). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs the HEALTHCHECK's command: its exit code, as Docker would see it. */
function healthcheck(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => execFile(argv[0]!, argv.slice(1), { env }, (error) => resolve(error ? Number(error.code ?? 1) : 0)));
}

// The final stage's file layout without Docker: its `COPY --from=build` paths copied from this checkout's build
// (package.json last, so it is the newest file, the worst case for the build-freshness check), its `touch`, its
// ENV (the /var/lib/jan folders moved into a temp folder), its CMD, then its HEALTHCHECK and a SIGTERM. Needs
// `npm run build`'s output; skipped without it (`npm test` in a fresh clone has none).
const built = existsSync(join(root, 'dist/server/main.js')) && existsSync(join(root, 'renderer/dist/index.html'));
describe.skipIf(!built)('the runtime stage, laid out without Docker', () => {
  it('starts from the built files alone, passes its HEALTHCHECK and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jan-image-'));
    try {
      const copies = final.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build'))
        .map((i) => i.args.split(/\s+/).slice(1, -1)).flat().map((path) => path.replace(/^\/app\//, ''));
      const sources = copies.filter((path) => path !== 'package.json' && path !== 'package-lock.json');
      for (const path of sources) cpSync(join(root, path), join(dir, path), { recursive: true });
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
      const touch = /\btouch ([^&]+)/.exec(get('RUN').map((i) => i.args).join('\n'));
      expect(touch, 'the runtime stage refreshes the build stamps').not.toBeNull();
      for (const file of touch![1]!.trim().split(/\s+/)) writeFileSync(join(dir, file), new Date().toISOString());
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir };
      for (const [name, value] of Object.entries(envOf(final))) env[name] = value.replace(/^\/var\/lib\/jan\//, `${dir}/var/`);
      Object.assign(env, { JAN_PORT: String(port), JAN_ROLE: 'api', JAN_DRAIN_DELAY_MS: '300', JAN_SHUTDOWN_TIMEOUT_MS: '2000', JAN_BACKUP_INTERVAL_HOURS: '0', JAN_MAINTENANCE_INTERVAL_MINUTES: '0' });
      for (const name of ['JAN_DATA_DIR', 'JAN_MODELS_DIR', 'JAN_MEDIA_DIR']) mkdirSync(env[name]!, { recursive: true });
      const [command, ...cmdArgs] = JSON.parse(get('CMD').at(-1)!.args) as string[];
      expect(command).toBe('node');
      let output = '';
      const child = spawn(process.execPath, cmdArgs, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const check = (JSON.parse(get('HEALTHCHECK')[0]!.args.replace(/^.*?CMD\s+/, '')) as string[]).map((a, i) => (i === 0 && a === 'node' ? process.execPath : a));
      let healthy = 1;
      for (let attempt = 0; attempt < 100 && healthy !== 0 && child.exitCode === null; attempt++) {
        healthy = await healthcheck(check, env);
        if (healthy !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(healthy, output).toBe(0);
      expect(output).not.toMatch(/building the (server|dashboard)/);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      child.kill(get('STOPSIGNAL')[0]!.args as NodeJS.Signals);
      expect(await exited, output).toBe(0);
      expect(await healthcheck(check, env)).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
