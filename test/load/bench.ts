/**
 * `npm run bench [-- <suite>] [flags]`: one entry point for every benchmark. Without a suite name it runs
 * the data API suite (the guide's endpoint table); the flags after the name go to that suite (`--help`
 * shows each suite's own). Each suite is its own script, run here as a child process with the same tsx
 * loader, so that a suite's process exit, signal handling and argument parsing stay its own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Suite {
  name: string;
  file: string;
  measures: string;
}

const SUITES: Suite[] = [
  { name: 'data-api', file: 'data-api-bench.ts', measures: 'conversation and item endpoints against the guide (default)' },
  { name: 'store-async', file: 'store-async-bench.ts', measures: 'what the asynchronous store costs a SQLite call (direct vs through the store)' },
  { name: 'cache', file: 'cache-bench.ts', measures: 'the response cache on vs off' },
  { name: 'cluster', file: 'cluster-bench.ts', measures: 'SQLite vs PostgreSQL node vs 3 replicas behind haproxy: RPS, p95, CPU µs per request per layer' },
  { name: 'cluster-cache', file: 'cluster-cache-bench.ts', measures: "replicas' response cache: invalidation broadcast vs the cache held in Redis" },
  { name: 'limits', file: 'limits-bench.ts', measures: 'overload at 1x and 2x each limit, and a soak run' },
  { name: 'inference', file: 'inference-bench.ts', measures: 'tokens/s and time to first token, direct vs HTTP, concurrent streams' },
  { name: 'media', file: 'media-ocr-bench.ts', measures: 'OCR latency and throughput, uploads (multipart and tus)' },
  { name: 'analysis', file: 'analysis-bench.ts', measures: 'the Response API (sentiment, summary, content)' },
  { name: 'kpi-stream', file: 'kpi-stream-bench.ts', measures: "what the dashboard's KPI stream costs in throughput" },
  { name: 'kpi-accuracy', file: 'kpi-accuracy-bench.ts', measures: "the dashboard's percentiles vs the load generator's" },
  { name: 'hotpath', file: 'hot-path-bench.ts', measures: 'fixed per-request cost vs bare node:http and Koa (--baseline <ref>)' },
  { name: 'fairness', file: 'fairness-bench.ts', measures: "member B's time to first token while member A floods, JAN_FAIR_QUEUE on vs off" },
  { name: 'hub', file: 'hub-bench.ts', measures: 'model pull throughput vs curl of the same file, pull start to first token' },
  { name: 'guide', file: 'guide-bench.ts', measures: "the guide's own ab, wrk and k6-style (autocannon) runs beside its 'Load test results indicate' figures" },
];

const USAGE = `Usage: npm run bench -- [suite] [flags]   (flags of a suite: npm run bench -- <suite> --help)
${SUITES.map((s) => `  ${s.name.padEnd(13)} ${s.measures}`).join('\n')}`;

function main(argv: string[]): void {
  const [first] = argv;
  if (first === 'list' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const named = first !== undefined && !first.startsWith('-');
  const suite = named ? SUITES.find((s) => s.name === first) : SUITES[0]!;
  if (!suite) {
    process.stderr.write(`bench: no suite '${first}'\n${USAGE}\n`);
    process.exit(2);
  }
  const file = fileURLToPath(new URL(suite.file, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, file, ...argv.slice(named ? 1 : 0)], { stdio: 'inherit' });
  // Ctrl-C reaches the suite too (same process group); it stops its server and exits, and so do we.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
}

main(process.argv.slice(2));
