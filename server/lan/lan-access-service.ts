/**
 * LAN access: whether the server listens beyond loopback. On rebinds the listener to all interfaces, which
 * needs authentication; off goes back to loopback. Requests already accepted finish either way (the listener
 * drains, see listeners.ts). Guest login's `auto` mode and the Host-header check follow the address the
 * server listens on now, not the one it was started with.
 *
 * Lifecycle: created with the other services before the server listens; start-server attaches the listener
 * once it does. Concurrency: switches run one at a time, in the order they were asked for.
 */
import { hostname as osHostname, networkInterfaces as osNetworkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIPv6 } from 'node:net';
import type { LanStatus } from '../api/lan.js';
import type { Config } from '../config/schema.js';
import { isLoopbackHost } from '../config/load-config.js';
import { AppError } from '../errors/app-error.js';

/** The part of the listener this service drives (implemented by `Listeners`). */
export interface Rebindable {
  readonly host: string;
  readonly port: number;
  rebind(host: string): Promise<void>;
}

export interface LanAccessOptions extends Pick<Config, 'host' | 'auth' | 'guestLogin'> {
  /** The machine's interfaces; injected by tests. */
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** The machine's host name; injected by tests. */
  hostname?: () => string;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

function urlHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

const conflict = (message: string, code: string) => new AppError(409, 'conflict_error', message, { code });

export class LanAccessService {
  private listener: Rebindable | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The loopback address to return to: the configured one if it was loopback. */
  private readonly loopbackHost: string;
  /** All interfaces, in the address family of the loopback host. */
  private readonly wildcardHost: string;

  constructor(private options: LanAccessOptions) {
    this.loopbackHost = isLoopbackHost(options.host) ? options.host : '127.0.0.1';
    const ipv6 = this.loopbackHost === '::1' || this.loopbackHost === '[::1]';
    this.wildcardHost = WILDCARDS.has(options.host) ? options.host : ipv6 ? '::' : '0.0.0.0';
  }

  /** Called by start-server once the server listens. */
  attach(listener: Rebindable): void {
    this.listener = listener;
  }

  /** The port the server listens on, once start-server has attached the listener. */
  get port(): number | undefined {
    return this.listener?.port;
  }

  private get host(): string {
    return this.listener?.host ?? this.options.host;
  }

  get enabled(): boolean {
    return !isLoopbackHost(this.host);
  }

  /** The guest-login mode from Settings; read on every guest login, so it applies at once. */
  setGuestLogin(mode: LanAccessOptions['guestLogin']): void {
    this.options = { ...this.options, guestLogin: mode };
  }

  /** Guest login is a loopback convenience: off beyond loopback unless switched on explicitly. */
  get guestLoginEnabled(): boolean {
    return this.options.guestLogin === 'on' || (this.options.guestLogin === 'auto' && !this.enabled);
  }

  /**
   * Names of this machine that LAN clients may use in the `Host` header (IP literals are always accepted).
   * They cannot be pointed at the server by a foreign web page, so they keep the DNS-rebinding defence.
   */
  allowedHostnames(): string[] {
    if (!this.enabled) return [];
    const name = (this.options.hostname ?? osHostname)().toLowerCase();
    if (!name) return [];
    return name.includes('.') ? [name] : [name, `${name}.local`];
  }

  /** One URL per non-loopback address of this machine that the current binding serves. */
  private lanUrls(port: number): string[] {
    if (!WILDCARDS.has(this.host)) return this.enabled ? [`http://${urlHost(this.host)}:${port}`] : [];
    const ipv6 = this.host !== '0.0.0.0';
    const urls: string[] = [];
    for (const addresses of Object.values((this.options.networkInterfaces ?? osNetworkInterfaces)())) {
      for (const a of addresses ?? []) {
        if (a.internal) continue;
        if (a.family === 'IPv4') urls.push(`http://${a.address}:${port}`);
        // Link-local IPv6 addresses need a zone id that a URL cannot carry portably.
        else if (ipv6 && !a.address.toLowerCase().startsWith('fe80:')) urls.push(`http://[${a.address}]:${port}`);
      }
    }
    return urls;
  }

  status(): LanStatus {
    const port = this.listener?.port ?? 0;
    return {
      object: 'lan_access',
      enabled: this.enabled,
      host: this.host,
      port,
      local_url: `http://${urlHost(WILDCARDS.has(this.host) ? this.loopbackHost : this.host)}:${port}`,
      lan_urls: this.lanUrls(port),
      lan_hostnames: this.allowedHostnames(),
      guest_login: this.guestLoginEnabled,
    };
  }

  /** Switches LAN access; resolves when the server listens on the new address. */
  setEnabled(enabled: boolean): Promise<LanStatus> {
    const run = this.queue.then(() => this.apply(enabled));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(enabled: boolean): Promise<LanStatus> {
    const listener = this.listener;
    if (!listener) throw new AppError(503, 'service_unavailable_error', 'The server is not listening yet.', { retryAfter: 1 });
    if (enabled === this.enabled) return this.status();
    if (enabled && !this.options.auth) {
      throw conflict('LAN access needs authentication: start the server with JAN_AUTH=on.', 'lan_requires_auth');
    }
    if (!WILDCARDS.has(this.host) && !isLoopbackHost(this.host)) {
      throw conflict(`The server was started on ${this.host} (JAN_HOST); LAN access can only be switched from loopback or all interfaces.`, 'lan_host_fixed');
    }
    try {
      await listener.rebind(enabled ? this.wildcardHost : this.loopbackHost);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new AppError(503, 'service_unavailable_error', `Could not listen on the new address (${reason}); the server still listens on ${this.host}.`, {
        code: 'lan_rebind_failed',
        retryAfter: 5,
      });
    }
    return this.status();
  }
}
