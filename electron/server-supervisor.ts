/**
 * Runs the server in a child process and keeps it running, so that a native crash in llama.cpp or OCR, or a
 * long synchronous SQLite step, never takes the window and the tray with it. The child is the CLI entry
 * (server/main.ts), started through `SpawnServerProcess`; the two talk over server/parent-channel.ts.
 *
 * Lifecycle (one child at a time):
 * - `start(port)` spawns the child and resolves with its `ready` message. A start the server refuses for a
 *   reason a retry cannot fix (port taken, data folder locked, database unreadable, bad config: the `error`
 *   message's kind) rejects at once with a `ServerStartError` of that kind. A crash, or no `ready` within
 *   `readyTimeoutMs` (the child is then killed), is a failure retried as below.
 * - A child that ends without being asked to is restarted, on the port the last one reported (so the URL
 *   stays), after `restartDelay(n)`: 0.5 s, 1 s, 2 s … capped, where n counts failures since the last child
 *   that ran `stableMs`. The n-th failure in a row (`maxQuickFailures`), or a refusal, gives up: `failed`
 *   (or `start()` rejects).
 * - `stop()`: the stop message; SIGTERM after `stopGraceMs` (the server then exits at once); SIGKILL after
 *   `killGraceMs` more. Resolves once the child has exited; nothing restarts after it.
 * - A `restart` message from the child (an admin's "Restart now" for saved settings that apply at start): the
 *   same stop sequence, then a new child at once on the same port; not a failure, so no delay and no count.
 * Events: `ready` (each child, with whether it is a restart), `down` (a child ended unasked, and the delay
 * before the next), `restarting` (a requested restart began), `failed` (gave up), `output` (each line the child writes).
 */
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { parseToParent, type ServerErrorKind, type ToParent } from '../server/parent-channel.js';
import type { ServerProcess, ServerProcessExit, SpawnServerProcess } from './server-process.js';

export type { ServerErrorKind } from '../server/parent-channel.js';
export type ServerReady = Omit<Extract<ToParent, { type: 'ready' }>, 'type'>;

export interface ServerFailure {
  kind: ServerErrorKind;
  /** What the server said (the CLI's one paragraph), or how the process ended. */
  message: string;
}

export class ServerStartError extends Error {
  override name = 'ServerStartError';
  constructor(
    readonly kind: ServerErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface RestartPolicy {
  /** Wait before the first restart, in ms. Default 500. */
  initialDelayMs: number;
  /** The longest wait, in ms. Default 30 000. */
  maxDelayMs: number;
  /** A child that ran this long (ms) before failing starts the count afresh. Default 60 000. */
  stableMs: number;
  /** Failures in a row after which it gives up. Default 5. */
  maxQuickFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, stableMs: 60_000, maxQuickFailures: 5 };

/** The wait before the restart that follows failure number `failures` (1, 2, …): doubling from the initial delay, capped. */
export function restartDelay(failures: number, policy: Pick<RestartPolicy, 'initialDelayMs' | 'maxDelayMs'> = DEFAULT_RESTART_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1));
}

export interface SupervisorOptions {
  spawn: SpawnServerProcess;
  /** The child's environment; `JAN_PORT` is set per start. */
  env: Record<string, string>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long a start may take before the child is killed, in ms. Default 60 000. */
  readyTimeoutMs?: number;
  /** How long the child may take to close after the stop message (its drain timeout and disposal), in ms. */
  stopGraceMs: number;
  /** How long after SIGTERM before SIGKILL, in ms. Default 3 000. */
  killGraceMs?: number;
  restart?: Partial<RestartPolicy>;
  /** How long a login-link request may wait for its answer, in ms. Default 5 000. */
  requestTimeoutMs?: number;
}

interface SupervisorEvents {
  ready: [ready: ServerReady, restarted: boolean];
  down: [failure: ServerFailure, restartInMs: number];
  restarting: [];
  failed: [failure: ServerFailure];
  output: [line: string, stream: 'stdout' | 'stderr'];
}

interface Child {
  process: ServerProcess;
  ready?: ServerReady;
  readyAt?: number;
  refusal?: ServerFailure;
  timedOut: boolean;
  /** It asked to be restarted: its exit starts the next child at once. */
  restartRequested: boolean;
  readyTimer: NodeJS.Timeout;
  stderrTail: string[];
  links: Map<number, { resolve(url: string): void; reject(error: Error): void }>;
  exited: Promise<void>;
  markExited(): void;
}

const STDERR_TAIL_LINES = 20;

function describeExit(exit: ServerProcessExit, stderrTail: string[]): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : exit.code === null ? 'could not be started' : `exited with code ${exit.code}`;
  // The CLI's own last words (`jan-server: …`) say most; otherwise the end of whatever it wrote.
  const said = stderrTail.filter((line) => line.startsWith('jan-server: ')).at(-1) ?? stderrTail.slice(-5).join('\n');
  return `The server process ${how}.${said ? `\n${said}` : ''}`;
}

export class ServerSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly policy: RestartPolicy;
  private readonly readyTimeoutMs: number;
  private readonly killGraceMs: number;
  private child: Child | undefined;
  private port = 0;
  private failures = 0;
  private restarts = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: { resolve(ready: ServerReady): void; reject(error: ServerStartError): void } | undefined;
  private stopping = false;
  private nextLinkId = 0;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.killGraceMs = options.killGraceMs ?? 3_000;
  }

  /** The running server, or undefined while it starts, restarts or after it stopped. */
  get current(): ServerReady | undefined {
    return this.child?.ready;
  }

  /** The longest `stop()` can take before the child is gone (its budget for the quit handler), in ms. */
  get stopBudgetMs(): number {
    return this.options.stopGraceMs + this.killGraceMs;
  }

  /** Starts the server on `port` (0: a free one, kept for restarts). Again after a rejection, e.g. on another port. */
  start(port: number): Promise<ServerReady> {
    if (this.child || this.restartTimer || this.starting) return Promise.reject(new Error('The server is already started.'));
    this.port = port;
    this.failures = 0;
    this.stopping = false;
    return new Promise<ServerReady>((resolve, reject) => {
      this.starting = { resolve, reject };
      this.launch();
    });
  }

  /** A fresh one-time dashboard link from the running server. */
  loginLink(): Promise<string> {
    const child = this.child;
    if (!child?.ready) return Promise.reject(new Error('The server is not running.'));
    const id = ++this.nextLinkId;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new Error('The server did not answer.'))), this.options.requestTimeoutMs ?? 5_000);
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        child.links.delete(id);
        finish();
      };
      child.links.set(id, { resolve: (url) => settle(() => resolve(url)), reject: (error) => settle(() => reject(error)) });
      child.process.send({ type: 'login-link', id });
    });
  }

  /** Stops the server for good: asks, then SIGTERM, then SIGKILL; resolves once the child has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.settleStart(new ServerStartError('other', 'The app is quitting.'));
    const child = this.child;
    if (!child) return;
    await this.askToStop(child);
  }

  /** The stop message, then SIGTERM, then SIGKILL; resolves once the child has exited. */
  private async askToStop(child: Child): Promise<void> {
    child.process.send({ type: 'stop' });
    const term = setTimeout(() => {
      this.options.logger.warn({ graceMs: this.options.stopGraceMs }, 'server: no exit after the stop message; SIGTERM');
      child.process.kill('SIGTERM');
    }, this.options.stopGraceMs);
    const kill = setTimeout(() => {
      this.options.logger.warn({ graceMs: this.killGraceMs }, 'server: no exit after SIGTERM; SIGKILL');
      child.process.kill('SIGKILL');
    }, this.options.stopGraceMs + this.killGraceMs);
    await child.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  private launch(): void {
    const spawned = this.options.spawn({ env: { ...this.options.env, JAN_PORT: String(this.port) } });
    let markExited = () => {};
    const child: Child = {
      process: spawned, timedOut: false, restartRequested: false, stderrTail: [], links: new Map(),
      exited: new Promise<void>((resolve) => (markExited = resolve)), markExited: () => markExited(),
      readyTimer: setTimeout(() => {
        child.timedOut = true;
        this.options.logger.warn({ timeoutMs: this.readyTimeoutMs }, 'server: not ready in time; killing it');
        spawned.kill('SIGKILL');
      }, this.readyTimeoutMs),
    };
    this.child = child;
    this.readLines(child, 'stdout');
    this.readLines(child, 'stderr');
    spawned.onMessage((raw) => this.onMessage(child, parseToParent(raw)));
    spawned.onExit((exit) => this.onExit(child, exit));
    this.options.logger.info({ pid: spawned.pid, port: this.port }, 'server: process started');
  }

  private readLines(child: Child, stream: 'stdout' | 'stderr'): void {
    const input = child.process[stream];
    if (!input) return;
    createInterface({ input, crlfDelay: Infinity }).on('line', (line) => {
      if (stream === 'stderr') child.stderrTail = [...child.stderrTail.slice(-(STDERR_TAIL_LINES - 1)), line];
      this.emit('output', line, stream);
    });
  }

  private onMessage(child: Child, message: ToParent | undefined): void {
    if (message?.type === 'ready' && !child.ready && child === this.child) {
      clearTimeout(child.readyTimer);
      const { type: _type, ...ready } = message;
      child.ready = ready;
      child.readyAt = Date.now();
      this.port = ready.port;
      const restarted = this.restarts;
      this.restarts = true;
      this.options.logger.info({ url: ready.url, pid: child.process.pid, restarted }, 'server: ready');
      this.settleStart(ready);
      this.emit('ready', ready, restarted);
    } else if (message?.type === 'error') {
      child.refusal = { kind: message.kind, message: message.message };
    } else if (message?.type === 'login-link') {
      child.links.get(message.id)?.resolve(message.url);
    } else if (message?.type === 'restart' && child.ready && !child.restartRequested && child === this.child && !this.stopping) {
      child.restartRequested = true;
      this.options.logger.info({ pid: child.process.pid }, 'server: restart requested');
      this.emit('restarting');
      void this.askToStop(child);
    }
  }

  private onExit(child: Child, exit: ServerProcessExit): void {
    clearTimeout(child.readyTimer);
    if (this.child === child) this.child = undefined;
    for (const link of [...child.links.values()]) link.reject(new Error('The server stopped.'));
    child.markExited();
    if (this.stopping) {
      this.options.logger.info({ code: exit.code, signal: exit.signal }, 'server: stopped');
      return;
    }
    if (child.restartRequested) {
      this.options.logger.info({ code: exit.code, signal: exit.signal }, 'server: stopped for a restart');
      this.launch(); // same port (this.port), the failure count untouched
      return;
    }
    const failure: ServerFailure = child.refusal ?? {
      kind: exit.code === 2 ? 'config' : 'other', // the CLI's exit code for a configuration error
      message: child.timedOut ? `The server did not start within ${Math.round(this.readyTimeoutMs / 1000)} s and was stopped.` : describeExit(exit, child.stderrTail),
    };
    if (child.readyAt !== undefined && Date.now() - child.readyAt >= this.policy.stableMs) this.failures = 0;
    this.failures += 1;
    this.options.logger.warn({ ...failure, code: exit.code, signal: exit.signal, failures: this.failures }, 'server: process ended');
    // A refusal says what to fix; trying again would only say it again.
    if (failure.kind !== 'other' || this.failures >= this.policy.maxQuickFailures) {
      this.giveUp(failure);
      return;
    }
    const delay = restartDelay(this.failures, this.policy);
    this.emit('down', failure, delay);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.launch();
    }, delay);
  }

  private giveUp(failure: ServerFailure): void {
    this.options.logger.error({ ...failure, failures: this.failures }, 'server: giving up');
    if (this.starting) this.settleStart(new ServerStartError(failure.kind, failure.message));
    else this.emit('failed', failure);
  }

  private settleStart(outcome: ServerReady | ServerStartError): void {
    const starting = this.starting;
    this.starting = undefined;
    if (outcome instanceof ServerStartError) starting?.reject(outcome);
    else starting?.resolve(outcome);
  }
}
