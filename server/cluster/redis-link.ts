/**
 * The replica's two connections to Redis: one for commands (rate counters, login counts, leases, PUBLISH) and
 * one in subscriber mode (a connection that SUBSCRIBEs can run nothing else). Both reconnect forever with a
 * capped backoff; while the command connection is down every command fails at once (no offline queue), so a
 * caller falls back instead of waiting on a dead socket, and a hung server fails a command after
 * `COMMAND_TIMEOUT_MS`.
 *
 * Health: `ready()` is true while the command connection is up and answered its last PING; the metrics are
 * `jan_redis_up`, `jan_redis_ping_seconds` (the last PING's round trip, every `PING_EVERY_MS`) and
 * `jan_redis_errors_total{operation}` (commands that failed, and fallbacks to this replica's memory).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../metrics/create-metrics.js';

export interface RedisLinkOptions {
  url: string;
  metrics?: Pick<Metrics, 'registry'>;
  logger?: Logger;
  /** Milliseconds between health PINGs (default 5 s). */
  pingEveryMs?: number;
}

/** A command that takes longer fails, and its caller falls back (a replica must not hang on a stuck Redis). */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;
const PING_EVERY_MS = 5000;

/** The metrics of one link; registered on the server's registry (tests create many links, each with its own). */
function linkMetrics(metrics: RedisLinkOptions['metrics']) {
  const registers = metrics ? [metrics.registry] : [];
  return {
    up: new Gauge({ name: 'jan_redis_up', help: '1 while the replica\'s Redis connection is up and answers, else 0.', registers }),
    ping: new Gauge({ name: 'jan_redis_ping_seconds', help: 'Round trip of the last health PING to Redis.', registers }),
    errors: new Counter({
      name: 'jan_redis_errors_total', help: 'Redis commands that failed (the caller fell back to this replica\'s memory or skipped the work), by operation.',
      labelNames: ['operation'] as const, registers,
    }),
  };
}

export class RedisLink {
  /** Commands: counters, scripts, PUBLISH. */
  readonly commands: Redis;
  /** Subscriber mode only. */
  readonly subscriber: Redis;
  private readonly metrics: ReturnType<typeof linkMetrics>;
  private readonly timer: NodeJS.Timeout;
  private answered = false;
  private closed = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.metrics = linkMetrics(options.metrics);
    const common: RedisOptions = {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Reconnect forever, 50 ms → 2 s apart: Redis coming back must be noticed without a restart.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
    };
    this.commands = new Redis(options.url, { ...common, commandTimeout: COMMAND_TIMEOUT_MS, connectionName: 'jan-commands' });
    // The subscriber queues its SUBSCRIBE until connected and re-subscribes after each reconnect (ioredis does both).
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'jan-subscriber' });
    for (const [name, client] of [['commands', this.commands], ['subscriber', this.subscriber]] as const) {
      // Without a listener ioredis prints every failed reconnect; one warning per outage is enough.
      client.on('error', (error: Error) => this.lost(name, error));
      client.on('ready', () => {
        if (name === 'commands') void this.ping();
        options.logger?.info({ connection: name }, 'Redis connection ready');
      });
    }
    this.commands.on('close', () => this.setUp(false));
    this.metrics.up.set(0);
    this.timer = setInterval(() => void this.ping(), options.pingEveryMs ?? PING_EVERY_MS);
    this.timer.unref();
  }

  /** True while commands can be sent and the last PING was answered. */
  get isUp(): boolean {
    return this.answered && this.commands.status === 'ready';
  }

  /** Readiness: PINGs Redis now (true when it answers within the command timeout). */
  async ready(): Promise<boolean> {
    if (this.commands.status !== 'ready') return false;
    return this.ping();
  }

  /** Counts a failed command (the caller has fallen back or skipped its work). */
  failed(operation: string, error: unknown): void {
    this.metrics.errors.inc({ operation });
    this.options.logger?.debug({ err: error, operation }, 'Redis command failed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // QUIT over a live connection (what was sent is answered first); otherwise drop it, or a shutdown while
    // Redis is down would wait for it (QUIT is queued until a connection that may never come).
    await Promise.all([this.commands, this.subscriber].map(async (client) => {
      if (client.status !== 'ready') return client.disconnect();
      await client.quit().catch(() => client.disconnect());
    }));
    this.setUp(false);
  }

  private async ping(): Promise<boolean> {
    const started = performance.now();
    try {
      await this.commands.ping();
      this.metrics.ping.set((performance.now() - started) / 1000);
      this.setUp(true);
      return true;
    } catch (error) {
      this.failed('ping', error);
      this.setUp(false);
      return false;
    }
  }

  private setUp(up: boolean): void {
    this.answered = up;
    this.metrics.up.set(up ? 1 : 0);
  }

  private warned = new Set<string>();

  private lost(connection: string, error: Error): void {
    if (this.closed) return;
    // One warning per connection per outage; it is re-armed when the connection is ready again.
    if (this.warned.has(connection)) return;
    this.warned.add(connection);
    const client = connection === 'commands' ? this.commands : this.subscriber;
    client.once('ready', () => this.warned.delete(connection));
    this.options.logger?.warn({ err: error, connection }, 'Redis connection lost; shared limits fall back to this replica, its response cache is off until it returns');
  }
}
