/**
 * A remote inference engine for the cluster test: another instance of this server, in its own process and data
 * folder, serving the designed test model (which always answers "Hey world") on a fixed port, so that it can
 * be killed and started again where the replicas' JAN_ENGINES expects it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { DESIGNED } from '../support/model-server.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { endChild, freePort } from './service-process.js';

export interface EngineProcess {
  name: string;
  url: string;
  /** SIGKILL, as a crash or a lost GPU box. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it listens. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(name: string): Promise<EngineProcess> {
  const folder = await mkdtemp(join(tmpdir(), `jan-engine-${name}-`));
  const models = join(folder, 'models');
  await mkdir(models, { recursive: true });
  writeDesignedModel(join(models, `${DESIGNED}.gguf`));
  const port = await freePort();
  const env = {
    JAN_PORT: String(port), JAN_MODELS_DIR: models, JAN_THREADS: '1', JAN_GPU: 'off', JAN_PARALLEL: '2', JAN_CONTEXT_SIZE: '1024',
    JAN_AUTH: 'off', JAN_LOG_FORMAT: 'json',
  };
  let server: ServerProcess | undefined;
  const start = async () => {
    server = spawnServer(join(folder, 'data'), env);
    await server.listening;
  };
  await start();
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    kill: async () => server && endChild(server.child, 'SIGKILL'),
    start,
    async stop() {
      if (server) await endChild(server.child, 'SIGTERM');
      await rm(folder, { recursive: true, force: true });
    },
  };
}
