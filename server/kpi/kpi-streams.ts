/**
 * The dashboards' KPI streams: each subscriber gets a snapshot at once and then one a second. Subscribers
 * of the same window share one ticker, and each tick builds and serializes one snapshot for all of them,
 * so three open dashboards cost about what one does.
 *
 * Lifecycle: a subscription ends when its signal aborts (the client went away) or on `closeAll()` (server
 * shutdown, before the HTTP server drains). A window's ticker exists only while it has subscribers; its
 * timer is unref'd.
 */
import type { Logger } from 'pino';
import type { KpiSnapshot, KpiWindow } from '../api/kpi.js';

export type KpiSend = (json: string) => void;

interface Subscriber {
  send: KpiSend;
  stop(): void;
}

interface Ticker {
  timer: NodeJS.Timeout;
  subscribers: Set<Subscriber>;
}

export interface KpiStreamsOptions {
  intervalMs?: number;
  logger?: Pick<Logger, 'warn'>;
}

export class KpiStreams {
  private readonly tickers = new Map<KpiWindow, Ticker>();
  private closed = false;

  constructor(
    private readonly build: (window: KpiWindow) => Promise<KpiSnapshot>,
    private readonly options: KpiStreamsOptions = {},
  ) {}

  /** Streams open now. */
  get active(): number {
    let n = 0;
    for (const ticker of this.tickers.values()) n += ticker.subscribers.size;
    return n;
  }

  /** Sends snapshots until `signal` aborts or the streams are closed; resolves then. */
  async run(window: KpiWindow, send: KpiSend, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted) return;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const subscriber: Subscriber = { send, stop };
    const onAbort = () => stop();
    signal.addEventListener('abort', onAbort, { once: true });
    this.join(window, subscriber);
    try {
      await this.sendOne(window, [subscriber]); // the first snapshot at once, not on the next tick
      await stopped;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.leave(window, subscriber);
    }
  }

  /** Ends every stream (server shutdown); later `run` calls return at once. */
  closeAll(): void {
    this.closed = true;
    for (const ticker of this.tickers.values()) for (const subscriber of ticker.subscribers) subscriber.stop();
  }

  private join(window: KpiWindow, subscriber: Subscriber): void {
    let ticker = this.tickers.get(window);
    if (!ticker) {
      const subscribers = new Set<Subscriber>();
      const timer = setInterval(() => void this.sendOne(window, [...subscribers]), this.options.intervalMs ?? 1_000);
      timer.unref();
      this.tickers.set(window, (ticker = { timer, subscribers }));
    }
    ticker.subscribers.add(subscriber);
  }

  private leave(window: KpiWindow, subscriber: Subscriber): void {
    const ticker = this.tickers.get(window);
    if (!ticker) return;
    ticker.subscribers.delete(subscriber);
    if (ticker.subscribers.size === 0) {
      clearInterval(ticker.timer);
      this.tickers.delete(window);
    }
  }

  private async sendOne(window: KpiWindow, subscribers: Subscriber[]): Promise<void> {
    if (subscribers.length === 0) return;
    let json: string;
    try {
      json = JSON.stringify(await this.build(window));
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not build a KPI snapshot');
      return;
    }
    for (const subscriber of subscribers) subscriber.send(json);
  }
}
