/** Command-line flags of `npm run bench` (after `--`, e.g. `npm run bench -- --quick --only items`). */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Seconds of each measured run. */
  durationSec: number;
  /** Seconds of each warm-up run (not measured). */
  warmupSec: number;
  connections: number;
  /** Substrings; an endpoint runs when its name contains any of them (all run when empty). */
  only: string[];
  /** Send `Accept-Encoding: gzip` as browsers and SDKs do (autocannon sends none by default). */
  gzip: boolean;
  /** Run the server child under `node --cpu-prof`; profiles go to test/load/results/. */
  profile: boolean;
  conversations: number;
  itemsPerConversation: number;
  projects: number;
}

export const USAGE = `Usage: npm run bench -- [options]
  --duration <s>      measured seconds per endpoint (default 10)
  --warmup <s>        warm-up seconds per endpoint (default 2)
  --connections <n>   concurrent connections (default 50)
  --quick             3 s runs with a 1 s warm-up
  --only <text>       only endpoints whose name contains <text>, or is exactly <text>
                      (repeatable, or comma-separated)
  --gzip              send Accept-Encoding: gzip
  --profile           write a V8 CPU profile of the server (node --cpu-prof) to test/load/results/
  --conversations <n> seeded conversations (default 10000), 10 items each, 20 projects`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number (got '${raw}')`);
  return value;
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      gzip: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      conversations: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    durationSec: positive('duration', values.duration, values.quick ? 3 : 10),
    warmupSec: positive('warmup', values.warmup, values.quick ? 1 : 2),
    connections: Math.round(positive('connections', values.connections, 50)),
    only: (values.only ?? []).flatMap((text) => text.split(',')).map((text) => text.trim()).filter(Boolean),
    gzip: values.gzip,
    profile: values.profile,
    conversations: Math.round(positive('conversations', values.conversations, 10_000)),
    itemsPerConversation: 10,
    projects: 20,
  };
}

/**
 * A suite script's flags: `--help` prints `usage` and exits 0; a flag `parse` rejects (parseArgs is strict)
 * prints the reason and `usage` and exits 2, as `npm run bench` itself does.
 */
export function parseSuiteArgs<T>(usage: string, parse: (args: string[]) => T): T {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parse(args);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
