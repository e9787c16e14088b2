/**
 * A whole cluster on this machine, from real parts: PostgreSQL and Redis (shared), N replicas of the server (the
 * CLI entry, each its own process, data folder and port), and haproxy in front checking `/readyz`. Used by the
 * cluster test (test/cluster/cluster.test.ts), the cluster bench and `npm run cluster` (a cluster to look at).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { startEngine, type EngineProcess } from './engine-process.js';
import { startHaproxy, type Haproxy } from './haproxy.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { endChild, freePort } from './service-process.js';

export const CLUSTER_ADMIN_KEY = 'cluster-admin-key-0123456789abcdef';

export interface ClusterOptions {
  replicas?: number;
  /** Extra environment for every replica (JAN_* options). */
  env?: Record<string, string>;
  /** haproxy's health-check interval. */
  checkIntervalMs?: number;
  /** An existing database for the replicas (e.g. one seeded by a bench); its server is the caller's to stop. */
  databaseUrl?: string;
  /**
   * Remote engines to start first (processes of this server with the designed test model): the replicas then run
   * as stateless API replicas (`JAN_ROLE=api`) whose inference comes from them (`JAN_ENGINES`).
   */
  engines?: number;
}

export interface Replica {
  readonly index: number;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  process: ServerProcess;
}

export interface LocalCluster {
  /** haproxy's address: what clients use. */
  url: string;
  databaseUrl: string;
  redisUrl: string;
  replicas: Replica[];
  haproxy: Haproxy;
  redis: RedisServer;
  /** The PostgreSQL server started for the cluster; undefined when `options.databaseUrl` was given. */
  postgres: PostgresServer | undefined;
  engines: EngineProcess[];
  /** SIGKILL, as a crash. */
  kill(index: number): Promise<void>;
  /** SIGTERM: the replica drains and exits; resolves with its exit code. */
  terminate(index: number): Promise<number | string>;
  /** Starts a stopped replica again on its port and data folder; resolves once it listens. */
  start(index: number): Promise<void>;
  /** Resolves once haproxy reports the replica `UP` (or `DOWN`). */
  waitForState(index: number, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const count = options.replicas ?? 3;
  const postgres: PostgresServer | undefined = options.databaseUrl === undefined ? await startPostgres() : undefined;
  let redis: RedisServer | undefined;
  const replicas: Replica[] = [];
  let haproxy: Haproxy | undefined;
  const root = await mkdtemp(join(tmpdir(), 'jan-cluster-'));
  const engines: EngineProcess[] = [];
  try {
    for (let i = 1; i <= (options.engines ?? 0); i++) engines.push(await startEngine(`engine${i}`));
    const engineEnv: Record<string, string> = engines.length === 0 ? {} : {
      JAN_ROLE: 'api', JAN_ENGINES: JSON.stringify(engines.map((e) => ({ name: e.name, url: e.url }))), JAN_ENGINE_CHECK_MS: '1000',
    };
    const databaseUrl = options.databaseUrl ?? (await postgres!.createDatabase());
    redis = await startRedis();
    const envFor = (port: number, dataDir: string): Record<string, string> => ({
      // Models and media in folders all replicas share, as a ReadWriteMany volume would be in Kubernetes.
      JAN_PORT: String(port), JAN_HOST: '127.0.0.1', JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(root, 'models'), JAN_MEDIA_DIR: join(root, 'media'),
      JAN_DATABASE_URL: databaseUrl, JAN_REDIS_URL: redis!.url, JAN_API_KEY: CLUSTER_ADMIN_KEY, JAN_LOG_FORMAT: 'json',
      ...engineEnv,
      ...options.env,
    });
    // One at a time: the first migrates the empty database (the others would wait on its lock anyway).
    for (let index = 0; index < count; index++) {
      const dataDir = join(root, `replica${index + 1}`);
      const port = await freePort();
      const process = spawnServer(dataDir, envFor(port, dataDir));
      await process.listening;
      replicas.push({ index, port, url: `http://127.0.0.1:${port}`, dataDir, process });
    }
    haproxy = await startHaproxy({ backends: replicas.map((r) => r.port), checkIntervalMs: options.checkIntervalMs });
    const proxy = haproxy;
    const cluster: LocalCluster = {
      url: proxy.url,
      databaseUrl,
      redisUrl: redis.url,
      replicas,
      haproxy: proxy,
      redis,
      postgres,
      engines,
      async kill(index) {
        await endChild(replicas[index]!.process.child, 'SIGKILL');
      },
      async terminate(index) {
        const replica = replicas[index]!;
        replica.process.child.kill('SIGTERM');
        return replica.process.exited;
      },
      async start(index) {
        const replica = replicas[index]!;
        replica.process = spawnServer(replica.dataDir, envFor(replica.port, replica.dataDir));
        await replica.process.listening;
      },
      async waitForState(index, state, timeoutMs = 30_000) {
        const started = Date.now();
        const name = `replica${index + 1}`;
        while (Date.now() - started < timeoutMs) {
          const status = (await proxy.states()).find((s) => s.name === name)?.status ?? '';
          if (status === state) return Date.now() - started;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`${name} did not turn ${state} within ${timeoutMs} ms`);
      },
      async stop() {
        await proxy.stop();
        await Promise.all(replicas.map((r) => endChild(r.process.child, 'SIGTERM')));
        await redis?.stop();
        await postgres?.stop();
        await Promise.all(engines.map((e) => e.stop()));
        await rm(root, { recursive: true, force: true });
      },
    };
    for (const replica of replicas) await cluster.waitForState(replica.index, 'UP');
    return cluster;
  } catch (error) {
    await haproxy?.stop();
    await Promise.all(replicas.map((r) => endChild(r.process.child, 'SIGKILL')));
    await redis?.stop();
    await postgres?.stop();
    await Promise.all(engines.map((e) => e.stop()));
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
