/**
 * The message channel between the server's process and a parent that started it: the desktop app's
 * supervisor (electron/server-supervisor.ts), which runs this same CLI entry (`server/main.ts`, as `npm start`
 * does) in an Electron utility process (`process.parentPort`) or, under plain Node, a `child_process.fork`
 * (`process.send` / `process.on('message')`). Started from a terminal there is no channel:
 * `connectToParent()` returns undefined and nothing here runs.
 *
 * Both ends import this file (the parent for its types and `parseToParent`), so the protocol is written once:
 *   child → parent: `ready` once listening; `error` (a start refusal's kind and the paragraph the CLI prints)
 *   before exiting; `login-link` answering a request; `stopped` once closed, before exiting 0; `restart` when an
 *   admin asks for one (saved settings that apply at start): the parent stops this process and starts it again.
 *   parent → child: `stop` (close cleanly, as on SIGTERM; a SIGTERM after it forces the exit);
 *   `login-link` (a fresh one-time dashboard link, one per window the app opens).
 * Messages are plain JSON-compatible objects (both transports copy them); each end ignores what it cannot parse.
 */
import type { RunningServer } from './start-server.js';

/** Why a start failed, as the CLI classifies it (main.ts); `other` for a crash or anything unexpected. */
export type ServerErrorKind = 'port_in_use' | 'data_dir_locked' | 'database_unreadable' | 'config' | 'other';
export const SERVER_ERROR_KINDS: readonly ServerErrorKind[] = ['port_in_use', 'data_dir_locked', 'database_unreadable', 'config', 'other'];

export type ToParent =
  | { type: 'ready'; url: string; port: number; dashboardUrl: string }
  | { type: 'error'; kind: ServerErrorKind; message: string }
  | { type: 'login-link'; id: number; url: string }
  | { type: 'stopped' }
  | { type: 'restart' };

export type ToChild = { type: 'stop' } | { type: 'login-link'; id: number };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string';
const isInt = (value: unknown): value is number => Number.isInteger(value);

/** A message from the server's process, or undefined for anything else. */
export function parseToParent(raw: unknown): ToParent | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return isString(raw.url) && isInt(raw.port) && isString(raw.dashboardUrl)
        ? { type: 'ready', url: raw.url, port: raw.port, dashboardUrl: raw.dashboardUrl } : undefined;
    case 'error':
      return SERVER_ERROR_KINDS.includes(raw.kind as ServerErrorKind) && isString(raw.message)
        ? { type: 'error', kind: raw.kind as ServerErrorKind, message: raw.message } : undefined;
    case 'login-link':
      return isInt(raw.id) && isString(raw.url) ? { type: 'login-link', id: raw.id, url: raw.url } : undefined;
    case 'stopped':
      return { type: 'stopped' };
    case 'restart':
      return { type: 'restart' };
    default:
      return undefined;
  }
}

/** A message from the parent, or undefined for anything else. */
export function parseToChild(raw: unknown): ToChild | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'stop') return { type: 'stop' };
  if (raw.type === 'login-link' && isInt(raw.id)) return { type: 'login-link', id: raw.id };
  return undefined;
}

/** Electron's `process.parentPort` in a utility process, as far as this file uses it. */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The parts of `process` this file uses (a fake in tests). */
export interface ChannelHost {
  parentPort?: ParentPortLike;
  send?(message: unknown, sendHandle?: undefined, options?: undefined, callback?: (error: Error | null) => void): boolean;
  connected?: boolean;
  on(event: 'message' | 'disconnect', listener: (message?: unknown) => void): unknown;
}

export interface ParentChannel {
  /** Resolves once the message is on its way (so that exiting right after does not lose it); never rejects. */
  send(message: ToParent): Promise<void>;
  /** A stop request, or the parent going away (the IPC channel closed); may come more than once. */
  onStop(listener: () => void): void;
  /** Says `ready` and from then on answers login-link requests with links to `server`. */
  ready(server: Pick<RunningServer, 'url' | 'port' | 'dashboardUrl' | 'services'>): void;
}

interface Transport {
  send(message: ToParent): Promise<void>;
  onMessage(listener: (raw: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

function transportOf(host: ChannelHost): Transport | undefined {
  const port = host.parentPort;
  if (port) {
    return {
      // postMessage queues the message; a turn of the event loop lets it leave before a process.exit.
      send: (message) => {
        port.postMessage(message);
        return new Promise((resolve) => setTimeout(resolve, 20));
      },
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: () => {}, // Electron ends its utility processes with the app
    };
  }
  const send = host.send?.bind(host);
  if (!send || host.connected === false) return undefined;
  return {
    // The callback runs once the message is written (or the channel is gone: nothing more to do then).
    send: (message) => new Promise((resolve) => {
      try {
        send(message, undefined, undefined, () => resolve());
      } catch {
        resolve();
      }
    }),
    onMessage: (listener) => host.on('message', listener),
    onDisconnect: (listener) => host.on('disconnect', listener),
  };
}

export function connectToParent(host: ChannelHost = process as ChannelHost): ParentChannel | undefined {
  const transport = transportOf(host);
  if (!transport) return undefined;
  const stopListeners: Array<() => void> = [];
  let server: Parameters<ParentChannel['ready']>[0] | undefined;
  transport.onMessage((raw) => {
    const message = parseToChild(raw);
    if (message?.type === 'stop') for (const listener of stopListeners) listener();
    if (message?.type === 'login-link' && server) {
      void transport.send({ type: 'login-link', id: message.id, url: `${server.url}/?token=${server.services.sessions.newLoginLinkToken()}` });
    }
  });
  transport.onDisconnect(() => {
    for (const listener of stopListeners) listener();
  });
  return {
    send: (message) => transport.send(message),
    onStop: (listener) => void stopListeners.push(listener),
    ready: (running) => {
      server = running;
      void transport.send({ type: 'ready', url: running.url, port: running.port, dashboardUrl: running.dashboardUrl });
    },
  };
}
