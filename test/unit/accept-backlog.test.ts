/** The accept queue of the listening socket, from /proc/net/tcp{,6}: parsed from text, and read for real. */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { platform } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseAcceptBacklog, readAcceptBacklog } from '../../server/metrics/accept-backlog.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (local: string, state: string, rx: string) => `   0: ${local} 00000000:0000 ${state} 00000000:${rx} 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0`;

describe('parseAcceptBacklog', () => {
  it('sums the rx_queue of the sockets listening on the port, IPv4 and IPv6', () => {
    const tcp = [HEADER, row('0100007F:0539', '0A', '00000062'), row('0100007F:0539', '01', '000000FF'), row('00000000:1F90', '0A', '00000007')].join('\n');
    const tcp6 = [HEADER, row('00000000000000000000000001000000:0539', '0A', '00000003')].join('\n');
    // Port 1337 = 0x0539: 0x62 (98) + 3; the established socket (state 01) and port 8080 do not count.
    expect(parseAcceptBacklog([tcp, tcp6], 1337)).toBe(101);
    expect(parseAcceptBacklog([tcp], 8080)).toBe(7);
  });

  it('is null when nothing listens on the port, and skips lines it cannot read', () => {
    expect(parseAcceptBacklog([[HEADER, row('0100007F:0539', '01', '00000001')].join('\n')], 1337)).toBeNull();
    expect(parseAcceptBacklog(['', 'garbage', `${HEADER}\n   0: 0100007F:0539 00000000:0000 0A nonsense`], 1337)).toBeNull();
  });
});

describe.skipIf(platform() !== 'linux')('readAcceptBacklog on this machine', () => {
  it('counts connections the kernel completed but the process has not accepted yet', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await readAcceptBacklog(port)).toBe(0);
    // A worker thread connects three clients while this thread blocks (so it cannot accept them); the kernel
    // completes the handshakes and queues the connections.
    const connected = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const net = require('node:net');
       let open = 0;
       for (let i = 0; i < 3; i++) net.connect(workerData.port, '127.0.0.1', () => {
         if (++open === 3) { Atomics.store(workerData.connected, 0, 1); Atomics.notify(workerData.connected, 0); }
       });`,
      { eval: true, workerData: { port, connected } },
    );
    expect(Atomics.wait(connected, 0, 0, 10_000)).not.toBe('timed-out');
    const tables = ['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFileSync(file, 'utf8'));
    expect(parseAcceptBacklog(tables, port)).toBe(3);
    await worker.terminate();
    await new Promise((resolve) => server.close(resolve));
    expect(await readAcceptBacklog(port)).toBeNull();
    expect(await readAcceptBacklog(undefined)).toBeNull();
  });
});
