/**
 * Debian's Prometheus (`/usr/bin/prometheus`) for the local cluster (`npm run cluster`): scrapes every replica's
 * public `/metrics` and evaluates the shipped rules (every `*.yml` rule file in build/deploy/prometheus/, copied
 * into its temp folder at start; none is fine). Runs unprivileged: in a fresh temp folder (config, rules, TSDB),
 * on 127.0.0.1 and a free port, and as `nobody` when started as root (Prometheus needs no privilege).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChild, freePort, unprivilegedUser, waitUntilReady } from '../../../test/cluster/service-process.js';

export const PROMETHEUS_BIN = process.env.JAN_PROMETHEUS ?? '/usr/bin/prometheus';

export interface PrometheusOptions {
  /** `host:port` of each replica. */
  targets: string[];
  /** Folder whose `*.yml` rule files (top-level `groups:`) are loaded; missing or empty: no rules. */
  rulesDir?: string;
  scrapeIntervalSec?: number;
}

export interface TargetHealth {
  instance: string;
  health: string;
  lastError: string;
}

export interface Prometheus {
  url: string;
  pid: number | undefined;
  /** The rule files it loaded (names). */
  ruleFiles: string[];
  /** Each scrape target's health from /api/v1/targets (`up`, `down`, `unknown`). */
  targets(): Promise<TargetHealth[]>;
  stop(): Promise<void>;
}

/** The rule files in `dir`: `*.yml`/`*.yaml` whose top level has `groups:` (promtool test files have `tests:`). */
export async function ruleFilesIn(dir: string | undefined): Promise<string[]> {
  if (!dir || !existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const rules: string[] = [];
  for (const name of names) if (/^groups:/m.test(await readFile(join(dir, name), 'utf8'))) rules.push(name);
  return rules;
}

export function configFor(options: PrometheusOptions, ruleFiles: string[]): string {
  const interval = `${options.scrapeIntervalSec ?? 5}s`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(ruleFiles.length ? ['rule_files:', ...ruleFiles.map((f) => `  - rules/${f}`)] : []),
    'scrape_configs:',
    '  - job_name: jan-server',
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
}

export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} is missing (apt-get install prometheus)`);
  const folder = await mkdtemp(join(tmpdir(), 'jan-prometheus-'));
  try {
    const ruleFiles = await ruleFilesIn(options.rulesDir);
    await mkdir(join(folder, 'rules'));
    await mkdir(join(folder, 'data'));
    for (const name of ruleFiles) await copyFile(join(options.rulesDir!, name), join(folder, 'rules', name));
    await writeFile(join(folder, 'prometheus.yml'), configFor(options, ruleFiles));
    const owner = unprivilegedUser('nobody');
    if (owner) for (const path of [folder, join(folder, 'rules'), join(folder, 'data'), join(folder, 'prometheus.yml'), ...ruleFiles.map((f) => join(folder, 'rules', f))]) await chown(path, owner.uid, owner.gid);
    const port = await freePort();
    const child: ChildProcess = spawn(PROMETHEUS_BIN, [
      `--config.file=${join(folder, 'prometheus.yml')}`, `--storage.tsdb.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'], cwd: folder, ...owner });
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      process.removeListener('exit', killOnExit);
      await endChild(child, 'SIGTERM');
      await rm(folder, { recursive: true, force: true });
    };
    try {
      await waitUntilReady(child, () => fetch(`${url}/-/ready`).then((r) => r.ok, () => false), { name: 'prometheus', timeoutMs: 30_000, intervalMs: 100, log: () => log });
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      url,
      pid: child.pid,
      ruleFiles,
      async targets() {
        const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
          data: { activeTargets: { labels: { instance: string }; health: string; lastError: string }[] };
        };
        return body.data.activeTargets.map((t) => ({ instance: t.labels.instance, health: t.health, lastError: t.lastError }));
      },
      stop,
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}
