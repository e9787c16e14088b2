/**
 * `npm run cluster [-- --replicas N]`: a cluster on this machine to look at. PostgreSQL, Redis, N server replicas
 * and haproxy in front (test/cluster/local-cluster.ts: real processes, unprivileged, temp folders) plus Prometheus
 * scraping every replica's /metrics with the shipped rules (build/deploy/prometheus/*.yml). Prints the addresses
 * (haproxy, each replica's dashboard, Prometheus) and the admin key, waits for Ctrl-C, then stops everything and
 * removes the temp folders.
 *
 * Needs the Debian packages postgresql, redis-server, haproxy and prometheus (the last is optional: without it the
 * cluster runs and says so).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLUSTER_ADMIN_KEY, startLocalCluster, type LocalCluster } from '../../../test/cluster/local-cluster.js';
import { PROMETHEUS_BIN, startPrometheus, type Prometheus } from './prometheus-server.js';

const USAGE = `Usage: npm run cluster -- [--replicas N]   (default 3; Ctrl-C stops everything)`;
const rulesDir = fileURLToPath(new URL('../prometheus', import.meta.url));

function replicasFrom(argv: string[]): number {
  const { values } = parseArgs({ args: argv, strict: true, options: { replicas: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const replicas = Number(values.replicas ?? 3);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) throw new Error(`--replicas must be 1 to 16 (got '${values.replicas}')`);
  return replicas;
}

function describe(cluster: LocalCluster, prometheus: Prometheus | undefined, prometheusNote: string): string {
  const lines = [
    '',
    `Cluster: ${cluster.replicas.length} replicas on PostgreSQL and Redis, behind haproxy`,
    `  API (haproxy):   ${cluster.url}      e.g. curl -H 'Authorization: Bearer ${CLUSTER_ADMIN_KEY}' ${cluster.url}/v1/health`,
    ...cluster.replicas.map((r) => `  replica ${r.index + 1}:       ${r.url}/   (dashboard; metrics at ${r.url}/metrics)`),
    prometheus
      ? `  Prometheus:      ${prometheus.url}/targets   (rules: ${prometheus.ruleFiles.join(', ') || 'none found'}; alerts at ${prometheus.url}/alerts)`
      : `  Prometheus:      not started (${prometheusNote})`,
    `  admin API key:   ${CLUSTER_ADMIN_KEY}   (sign in to a dashboard with it)`,
    `  PostgreSQL:      ${cluster.databaseUrl}`,
    `  Redis:           ${cluster.redisUrl}`,
    `  load it:         npm run bench -- guide --url ${cluster.url} --key ${CLUSTER_ADMIN_KEY}`,
    '',
    'Ctrl-C stops everything.',
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  let replicas: number;
  try {
    replicas = replicasFrom(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`cluster: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  process.stderr.write(`cluster: starting PostgreSQL, Redis, ${replicas} replicas and haproxy…\n`);
  const cluster = await startLocalCluster({ replicas });
  let prometheus: Prometheus | undefined;
  let prometheusNote = '';
  try {
    prometheus = await startPrometheus({ targets: cluster.replicas.map((r) => `127.0.0.1:${r.port}`), rulesDir });
  } catch (error) {
    prometheusNote = (error as Error).message.split('\n')[0] ?? `${PROMETHEUS_BIN} failed`;
  }
  process.stdout.write(`${describe(cluster, prometheus, prometheusNote)}\n`);
  // Ctrl-C reaches every process of the terminal's group: the services and replicas start shutting down on their
  // own, and this process stops them in order (haproxy, replicas, Redis, PostgreSQL). Later signals must not kill
  // it half-way (that would leave folders behind): they are acknowledged and ignored. (npm runs this with
  // `node --import tsx`, not the tsx CLI, whose signal relay SIGKILLs a child that is slow to answer.)
  let stopping = false;
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      if (stopping) process.stderr.write('cluster: still stopping…\n');
      stopping = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  process.stderr.write('\ncluster: stopping…\n');
  await prometheus?.stop();
  await cluster.stop();
  process.stderr.write('cluster: stopped\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cluster: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
