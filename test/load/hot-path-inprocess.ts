/**
 * `npx tsx test/load/hot-path-inprocess.ts <root>...`: the CPU one request costs, measured inside one process so
 * that a busy machine (other processes taking the cores) moves every variant alike.
 *
 * Each `<root>` is a checkout of the project (`.` for this one; `git archive <ref> server package.json |
 * tar -x -C dir` plus a node_modules link for another version). Each is started in this process with
 * `startServer` on its own temp data folder, beside a bare node:http server; a minimal keep-alive client in
 * this same process (fixed request bytes, Content-Length framing) keeps `--connections` requests in flight.
 * Rounds alternate between the targets; per target and path the report gives the process's CPU per request
 * (client included) and the same minus the bare server's, i.e. what the server adds over node:http.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { runMain } from './lib/run-main.js';

const USAGE = `Usage: npx tsx test/load/hot-path-inprocess.ts [options] <root>...
  --seconds <s>      per measured run (default 2)
  --rounds <n>       alternating rounds (default 5)
  --connections <n>  requests in flight (default 16)
  --paths <list>     comma-separated (default /v1/health,/healthz,/v1/conversations?limit=20,POST /v1/unknown)`;

const { values, positionals } = parseSuiteArgs(USAGE, (args) =>
  parseArgs({
    args, strict: true, allowPositionals: true,
    options: { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' }, paths: { type: 'string' } },
  }),
);

const API_KEY = 'inprocess-bench-key-0123456789abcdef';

interface Target {
  name: string;
  port: number;
  close(): Promise<void>;
}

async function startBare(): Promise<Target> {
  const ok = JSON.stringify({ status: 'ok' });
  const server: Server = createServer((req, res) => {
    const get = req.method === 'GET';
    res.writeHead(get ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(ok) });
    req.resume();
    res.end(ok);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { name: 'node:http', port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(() => done())) };
}

async function startOurs(root: string, index: number): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-inprocess-'));
  const env = {
    JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(dataDir, 'models'), JAN_HOST: '127.0.0.1', JAN_PORT: '0', JAN_API_KEY: API_KEY,
    JAN_LOG_LEVEL: 'warn', JAN_RATE_SOFT_LIMIT: '1000000', JAN_RATE_HARD_LIMIT: '1000000', JAN_CLIENT_RATE_LIMIT: '1000000',
  };
  const { loadConfig } = (await import(pathToFileURL(join(root, 'server/config/load-config.ts')).href)) as typeof import('../../server/config/load-config.js');
  const { startServer } = (await import(pathToFileURL(join(root, 'server/start-server.ts')).href)) as typeof import('../../server/start-server.js');
  const { createLogger } = (await import(pathToFileURL(join(root, 'server/log/create-logger.ts')).href)) as typeof import('../../server/log/create-logger.js');
  const config = loadConfig({ argv: [], env });
  const server = await startServer(config, { logger: createLogger('warn') });
  for (let i = 0; i < 50; i++) {
    const response = await fetch(`${server.url}/v1/conversations`, {
      method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { n: String(i) } }),
    });
    if (!response.ok) throw new Error(`seeding answered ${response.status}`);
  }
  return {
    name: `${index}:${root}`,
    port: server.port,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Keeps `connections` requests in flight for `ms`; returns the responses completed. */
function drive(port: number, request: Buffer, connections: number, ms: number): Promise<number> {
  return new Promise((done, fail) => {
    let completed = 0;
    let stopping = false;
    const sockets: Socket[] = [];
    let open = connections;
    const finish = () => {
      if (--open === 0) done(completed);
    };
    for (let c = 0; c < connections; c++) {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      let buffer: Buffer = Buffer.alloc(0);
      let need = -1;
      socket.setNoDelay(true);
      socket.on('connect', () => socket.write(request));
      socket.on('error', fail);
      socket.on('close', finish);
      socket.on('data', (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        for (;;) {
          if (need < 0) {
            const end = buffer.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = buffer.subarray(0, end).toString('latin1');
            const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            need = end + 4 + length;
          }
          if (buffer.length < need) return;
          buffer = buffer.subarray(need);
          need = -1;
          completed++;
          if (stopping) {
            socket.end();
            return;
          }
          socket.write(request);
        }
      });
    }
    setTimeout(() => {
      stopping = true;
    }, ms);
  });
}

function requestBytes(spec: string): Buffer {
  const [method, path] = spec.includes(' ') ? spec.split(' ') : ['GET', spec];
  return Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Length: 0\r\n\r\n`, 'latin1');
}

async function main(): Promise<void> {
  const roots = positionals.length > 0 ? positionals.map((r) => resolve(r)) : [process.cwd()];
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const paths = (values.paths ?? '/v1/health,/healthz,/v1/conversations?limit=20,POST /v1/unknown').split(',');
  const targets: Target[] = [await startBare()];
  try {
    for (const [i, root] of roots.entries()) targets.push(await startOurs(root, i));
    const samples = new Map<string, number[]>();
    for (const path of paths) for (const t of targets) await drive(t.port, requestBytes(path), connections, 500); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const path of paths) {
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        for (const t of order) {
          const before = process.cpuUsage();
          const n = await drive(t.port, requestBytes(path), connections, seconds * 1000);
          const used = process.cpuUsage(before);
          const key = `${path}\u0000${t.name}`;
          samples.set(key, [...(samples.get(key) ?? []), (used.user + used.system) / n]);
        }
      }
      process.stderr.write(`round ${round + 1}/${rounds}, load ${loadavg()[0]!.toFixed(1)}\n`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`\n${'path'.padEnd(28)} ${'target'.padEnd(50)} ${'µs/req'.padStart(8)} ${'over bare'.padStart(10)}\n`);
    for (const path of paths) {
      const bare = median(samples.get(`${path}\u0000node:http`)!);
      for (const t of targets) {
        const us = median(samples.get(`${path}\u0000${t.name}`)!);
        process.stdout.write(`${path.padEnd(28)} ${t.name.slice(-50).padEnd(50)} ${us.toFixed(1).padStart(8)} ${(us - bare).toFixed(1).padStart(10)}\n`);
      }
    }
    process.stdout.write(`\n${cpus().length} cores, ${connections} in flight, ${seconds} s x ${rounds} rounds (medians), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  } finally {
    for (const t of targets) await t.close().catch(() => undefined);
  }
}

runMain(main);
