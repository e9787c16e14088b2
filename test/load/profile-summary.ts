/**
 * Summarises a V8 CPU profile (`npm run bench -- --profile` writes the server's): the functions with the
 * most self time, and the most inclusive time, as shares of the busy (non-idle) time.
 *
 *   npx tsx test/load/profile-summary.ts test/load/results/profiles-<time>/<file>.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '~').replace(/.*\/dist\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    if (node.callFrame.functionName === '(garbage collector)') gc += dt;
    if (IDLE.has(node.callFrame.functionName) && node.callFrame.functionName !== '(garbage collector)') return;
    busy += dt;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      seen.add(name);
    }
  });
  const table = (title: string, map: Map<string, number>) =>
    [title, ...[...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, t]) => `${((100 * t) / busy).toFixed(1).padStart(5)}%  ${name}`)].join('\n');
  const head = `busy ${(busy / 1e6).toFixed(2)} s (GC ${((100 * gc) / busy).toFixed(1)}% of it)`;
  return [head, table('\nself time:', self), table('\ninclusive time:', inclusive)].join('\n');
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx test/load/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
process.stdout.write(`${summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(topArg ?? 25))}\n`);
