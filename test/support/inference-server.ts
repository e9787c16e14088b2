/** A test server with the scripted inference runtime and fake model files in its models folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../server/config/schema.js';
import { ScriptedRuntime } from './scripted-runtime.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface ScriptedServer extends TestServer {
  runtime: ScriptedRuntime;
  modelsDir: string;
}

/** `models` are ids; each gets a placeholder `.gguf` file (the scripted runtime never reads it). */
export async function startScriptedServer(models: string[] = ['test-model'], overrides: Partial<Config> = {}): Promise<ScriptedServer> {
  const runtime = new ScriptedRuntime();
  const server = await startTestServer(overrides, { runtime });
  const modelsDir = server.config.modelsDir;
  await mkdir(modelsDir, { recursive: true });
  for (const id of models) await writeFile(join(modelsDir, `${id}.gguf`), 'GGUF-placeholder');
  return Object.assign(server, { runtime, modelsDir });
}
