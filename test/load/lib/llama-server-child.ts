/**
 * Starts llama.cpp's own server as the inference bench's reference (`--llama-server <binary>`), with the same
 * model file, threads, parallel sequences and per-sequence context as this server gets, so the two are
 * compared like for like. Build the binary with `node build/scripts/build-llama-server.mjs <folder>`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface LlamaServerOptions {
  binary: string;
  model: string;
  threads: number;
  parallel: number;
  /** Tokens of context per sequence (llama-server's -c is the total over all sequences). */
  contextPerSequence: number;
  /** Serve /v1/embeddings (llama-server then answers embeddings only). */
  embeddings?: boolean;
}

export interface LlamaServerChild {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServerChild> {
  const port = await freePort();
  const args = [
    '-m', options.model, '--host', '127.0.0.1', '--port', String(port),
    '-t', String(options.threads), '-tb', String(options.threads),
    '-np', String(options.parallel), '-c', String(options.contextPerSequence * options.parallel),
    '--no-webui', '--log-disable',
    ...(options.embeddings ? ['--embeddings', '--pooling', 'mean'] : []),
  ];
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}): ${stderr}`);
    try {
      const health = await fetch(`${url}/health`);
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`llama-server was not healthy within 120 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
