/**
 * How many connections wait in the kernel's accept queue of the server's listening socket. Node (libuv since
 * 1.45) accepts one connection per event-loop turn, so clients that open a new connection per request (`ab`
 * without `-k`, scripts without keep-alive) queue there while the loop is busy, and that wait happens before
 * the server can time anything: measured with `ab -c 100` on /v1/health, 98 connections waiting, 45 ms at
 * the client vs 0.5 ms from accept. The dashboard shows the queue so that this wait is not invisible.
 *
 * Linux reports it as the `rx_queue` of the listening (state 0A) socket in /proc/net/tcp and tcp6; elsewhere
 * there is no figure (null).
 */
import { readFile } from 'node:fs/promises';
import { platform } from 'node:os';

const LISTEN = '0A';

/** Sums the accept queues of the listening sockets on `port` in /proc/net/tcp{,6} texts; null if none listens. */
export function parseAcceptBacklog(tables: string[], port: number): number | null {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  let waiting = 0;
  for (const table of tables) {
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (fields[3] !== LISTEN || local === undefined || !local.endsWith(`:${portHex}`)) continue;
      const rxQueue = Number.parseInt(fields[4]?.split(':')[1] ?? '', 16);
      if (!Number.isFinite(rxQueue)) continue;
      found = true;
      waiting += rxQueue;
    }
  }
  return found ? waiting : null;
}

export async function readAcceptBacklog(port: number | undefined): Promise<number | null> {
  if (port === undefined || platform() !== 'linux') return null;
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return parseAcceptBacklog(tables, port);
}
