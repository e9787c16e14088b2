/**
 * The server's HTTP listener, which the LAN switch can move to another address while the server runs.
 *
 * `rebind()` swaps only the listening socket of the one `http.Server`: connections it already accepted stay
 * open and keep being served, so no request in flight (and no idle keep-alive connection of a local client)
 * is lost. Linux refuses to bind a port on all interfaces while it is bound on loopback (and the other way
 * round), so the old socket is closed and the new one bound in the same tick, before any I/O: a connection
 * attempt in those microseconds can be refused, nothing else. Going back to loopback retires the connections
 * that came in over the LAN: idle ones are closed at once, busy ones as soon as their response is sent (or
 * after `drainTimeoutMs`), so switching LAN access off cuts LAN clients off without cutting a response short.
 *
 * `close()` stops accepting, lets requests in flight finish, closes keep-alive connections as they go idle,
 * and closes what is still open after `drainTimeoutMs`.
 *
 * Lifecycle: `listen()` once, `rebind()` any number of times (callers serialise them), then `close()`.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ListenersOptions {
  /** Handles every request (Koa's `app.callback()`). */
  handler: RequestListener;
  /** How long open connections may take to finish on close (and retired LAN connections on rebind), in ms. */
  drainTimeoutMs: number;
  logger: Logger;
  /** Called for every accepted connection (for the active-connections gauge). */
  onConnection?(socket: Socket): void;
}

/**
 * Connections the kernel completes and queues for us to accept (capped by net.core.somaxconn). With Node's
 * default, 511, a burst of more clients (the guide allows 2,000 connections) overflows the queue, and the
 * kernel makes the extra handshakes start over after 1 s, 3 s, … — health probes included. A busy event
 * loop accepts slowly, so the queue fills faster than one would think.
 */
const LISTEN_BACKLOG = 2048;

const isLoopbackAddress = (address: string | undefined) =>
  address !== undefined && (/^(::ffff:)?127\./.test(address) || address === '::1');

export class Listeners {
  private readonly server: Server;
  /** Open connections and how many of their requests are being answered. */
  private readonly connections = new Map<Socket, number>();
  private readonly retired = new Set<Socket>();
  private closing: Promise<void> | undefined;
  /** The address and port the server listens on. */
  host = '';
  port = 0;

  constructor(private readonly options: ListenersOptions) {
    this.server = createServer(options.handler);
    this.server.requestTimeout = 0; // our own per-route timeout answers in the API's error format
    this.server.headersTimeout = 30_000; // slow-loris guard for the header phase
    this.server.on('connection', (socket: Socket) => {
      this.connections.set(socket, 0);
      socket.once('close', () => {
        this.connections.delete(socket);
        this.retired.delete(socket);
      });
      options.onConnection?.(socket);
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.track(req.socket, res));
  }

  private track(socket: Socket, res: ServerResponse): void {
    this.connections.set(socket, (this.connections.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const busy = (this.connections.get(socket) ?? 1) - 1;
      this.connections.set(socket, busy);
      if (busy === 0 && this.retired.has(socket)) socket.end();
    });
  }

  private bind(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Starts listening; port 0 picks a free port, which rebinds keep. */
  async listen(port: number, host: string): Promise<void> {
    await this.bind(port, host);
    this.host = host;
    this.port = (this.server.address() as AddressInfo).port;
  }

  async rebind(host: string): Promise<void> {
    if (this.closing || !this.server.listening) throw new Error('The server is not listening.');
    if (host === this.host) return;
    // net.Server's close, not http.Server's: that one would also close the idle keep-alive connections.
    NetServer.prototype.close.call(this.server);
    try {
      await this.bind(this.port, host);
    } catch (error) {
      // Take the old address back so that the server stays reachable where it was.
      await this.bind(this.port, this.host);
      throw error;
    }
    this.host = host;
    this.options.logger.info({ host, port: this.port }, 'listening on a new address');
    if (host !== '0.0.0.0' && host !== '::') this.retireLanConnections();
  }

  /** Closes connections that arrived on a non-loopback address, each once it has no response in progress. */
  private retireLanConnections(): void {
    const lan = [...this.connections.keys()].filter((socket) => !isLoopbackAddress(socket.localAddress));
    for (const socket of lan) {
      this.retired.add(socket);
      if (this.connections.get(socket) === 0) socket.destroy();
    }
    if (this.retired.size === 0) return;
    setTimeout(() => {
      for (const socket of [...this.retired]) socket.destroy();
    }, this.options.drainTimeoutMs).unref();
  }

  /** Stops accepting and resolves once every connection has closed (at most `drainTimeoutMs` later). */
  close(): Promise<void> {
    return (this.closing ??= new Promise<void>((resolve) => {
      const server = this.server;
      // http.Server's close also closes keep-alive connections that are idle now; the sweep closes the others
      // as their last request finishes, rather than waiting for the keep-alive timeout.
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(timer);
        resolve();
      });
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        this.options.logger.warn({ open: this.connections.size }, 'shutdown timeout: closing open connections');
        server.closeAllConnections();
      }, this.options.drainTimeoutMs);
    }));
  }
}
