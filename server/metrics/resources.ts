/**
 * Machine and process resources for the dashboard: CPU (this process, from `process.cpuUsage` deltas, as a
 * share of all cores), load average, memory, event-loop delay p99 (perf_hooks), free disk of the data folder
 * (statfs), network bytes/s of all interfaces from /proc/net/dev (Linux; null elsewhere), the SQLite
 * file size (database + WAL), and the connections waiting to be accepted (accept-backlog.ts).
 *
 * Rates are measured between two samples; a sample younger than `minIntervalMs` is reused, so several
 * dashboards share one. Owns an event-loop delay monitor: call `close()` once.
 */
import { readFile, stat, statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, platform, totalmem } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { readAcceptBacklog } from './accept-backlog.js';

export interface ResourceFigures {
  cpuPercent: number | null;
  cpuCount: number;
  loadAverage1m: number | null;
  memoryRssBytes: number;
  memoryTotalBytes: number;
  memoryFreeBytes: number;
  heapUsedBytes: number;
  eventLoopDelayP99Ms: number | null;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
  networkRxBytesPerSecond: number | null;
  networkTxBytesPerSecond: number | null;
  databaseSizeBytes: number | null;
  /** Connections in the listening socket's accept queue (Linux; null elsewhere or before the server listens). */
  acceptBacklog: number | null;
}

export interface ResourceSamplerOptions {
  /** The folder whose file system's free space is reported. */
  dataDir: string;
  /** The SQLite file (its `-wal` companion is counted too); undefined on PostgreSQL (no size reported). */
  databaseFile: string | undefined;
  minIntervalMs?: number;
  /** Reads /proc/net/dev (injected in tests); resolves null where there is none. */
  readNetDev?: () => Promise<string | null>;
  /** The port the server listens on, once it does. */
  listenPort?: () => number | undefined;
  /** Reads the accept queue of a port (injected in tests). */
  readAcceptBacklog?: (port: number | undefined) => Promise<number | null>;
  now?: () => number;
}

interface Baseline {
  at: number;
  cpu: NodeJS.CpuUsage;
  net: { rx: number; tx: number } | null;
}

const readProcNetDev = () => (platform() === 'linux' ? readFile('/proc/net/dev', 'utf8').catch(() => null) : Promise.resolve(null));

/** Sums received and transmitted bytes over every interface of /proc/net/dev's table. */
export function parseNetDev(text: string): { rx: number; tx: number } | null {
  let rx = 0;
  let tx = 0;
  let rows = 0;
  for (const line of text.split('\n').slice(2)) {
    const [, counters] = line.split(':');
    if (counters === undefined) continue;
    const fields = counters.trim().split(/\s+/).map(Number);
    if (fields.length < 9 || !Number.isFinite(fields[0]) || !Number.isFinite(fields[8])) continue;
    rx += fields[0]!;
    tx += fields[8]!;
    rows++;
  }
  return rows > 0 ? { rx, tx } : null;
}

async function fileSize(file: string | undefined): Promise<number | null> {
  if (file === undefined) return null;
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

export class ResourceSampler {
  private readonly delay: IntervalHistogram;
  private readonly now: () => number;
  private readonly readNetDev: () => Promise<string | null>;
  private baseline: Promise<Baseline>;
  private latest: { at: number; figures: Promise<ResourceFigures> } | undefined;

  constructor(private readonly options: ResourceSamplerOptions) {
    this.now = options.now ?? Date.now;
    this.readNetDev = options.readNetDev ?? readProcNetDev;
    this.delay = monitorEventLoopDelay({ resolution: 20 });
    this.delay.enable();
    this.baseline = this.readBaseline();
  }

  /** Current figures; rates cover the time since the previous sample (or since the sampler started). */
  sample(): Promise<ResourceFigures> {
    const now = this.now();
    if (this.latest && now - this.latest.at < (this.options.minIntervalMs ?? 1_000)) return this.latest.figures;
    const figures = this.take();
    this.latest = { at: now, figures };
    return figures;
  }

  close(): void {
    this.delay.disable();
  }

  private async readBaseline(): Promise<Baseline> {
    const text = await this.readNetDev();
    return { at: this.now(), cpu: process.cpuUsage(), net: text === null ? null : parseNetDev(text) };
  }

  private async take(): Promise<ResourceFigures> {
    const previous = await this.baseline;
    this.baseline = this.readBaseline();
    const [current, disk, dbSize, walSize, acceptBacklog] = await Promise.all([
      this.baseline,
      statfs(this.options.dataDir).catch(() => null),
      fileSize(this.options.databaseFile),
      fileSize(this.options.databaseFile && `${this.options.databaseFile}-wal`),
      (this.options.readAcceptBacklog ?? readAcceptBacklog)(this.options.listenPort?.()),
    ]);
    const seconds = (current.at - previous.at) / 1000;
    const cpuCount = cpus().length || 1;
    const cpuMicros = current.cpu.user - previous.cpu.user + current.cpu.system - previous.cpu.system;
    const rate = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || seconds <= 0 ? null : Math.max(0, (a - b) / seconds));
    const memory = process.memoryUsage();
    const delayP99 = this.delay.count > 0 ? this.delay.percentile(99) / 1e6 : null;
    this.delay.reset();
    return {
      cpuPercent: seconds > 0 ? Math.max(0, (cpuMicros / 1e6 / seconds / cpuCount) * 100) : null,
      cpuCount,
      loadAverage1m: platform() === 'win32' ? null : loadavg()[0]!,
      memoryRssBytes: memory.rss,
      memoryTotalBytes: totalmem(),
      memoryFreeBytes: freemem(),
      heapUsedBytes: memory.heapUsed,
      eventLoopDelayP99Ms: delayP99,
      diskFreeBytes: disk ? disk.bavail * disk.bsize : null,
      diskTotalBytes: disk ? disk.blocks * disk.bsize : null,
      networkRxBytesPerSecond: rate(current.net?.rx, previous.net?.rx),
      networkTxBytesPerSecond: rate(current.net?.tx, previous.net?.tx),
      databaseSizeBytes: dbSize === null ? null : dbSize + (walSize ?? 0),
      acceptBacklog,
    };
  }
}
