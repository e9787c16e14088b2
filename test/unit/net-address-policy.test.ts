/** The outbound fetcher's address policy and guarded lookup, without any socket. */
import type { LookupAddress } from 'node:dns';
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressAllowed, isPublicAddress, literalAddress } from '../../server/net/address-policy.js';
import { FetchError } from '../../server/net/fetch-error.js';
import { guardedLookup, type Resolver } from '../../server/net/guarded-lookup.js';
import { openUrl } from '../../server/net/outbound-fetcher.js';

/** Every non-public form, as a URL host (what reaches the fetcher) and what it means. */
const REFUSED_HOSTS = [
  '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '127.1', '127.0.0.1', '0', '0.0.0.0', '[::1]', '[::]',
  '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::7f00:1]', '169.254.169.254', '[fe80::1]', '[fd00::1]', '[fc00::1]',
  '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '224.0.0.1', '239.255.255.250', '[ff02::1]',
  '255.255.255.255', '192.0.2.1', '198.18.0.1', '240.0.0.1', '[64:ff9b::a00:1]', '[2002:a00:1::]', '[2001:db8::1]', '[::ffff:10.0.0.1]',
];

describe('isPublicAddress', () => {
  it('accepts public unicast addresses', () => {
    expect(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8'].filter((a) => !isPublicAddress(a))).toEqual([]);
  });

  it('refuses every loopback, private, link-local, CGNAT, ULA, multicast, broadcast and reserved form', () => {
    const addresses = REFUSED_HOSTS.map((host) => literalAddress(new URL(`http://${host}/`).hostname));
    expect(addresses.filter((a) => a === undefined)).toEqual([]);
    expect(addresses.filter((a) => isPublicAddress(a!))).toEqual([]);
  });

  it('refuses the legacy IPv4 forms even when given raw (not through a URL)', () => {
    expect(['2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '127.1', '0', '::ffff:7f00:1', 'fe80::1%eth0'].filter(isPublicAddress)).toEqual([]);
  });

  it('refuses host names and garbage: they are not addresses', () => {
    expect(['localhost', 'example.com', '', '1.2.3.4.5', '::g'].filter(isPublicAddress)).toEqual([]);
  });
});

describe('addressAllowed', () => {
  it("'any' allows every address, 'off' none, 'public' only public ones", () => {
    expect(['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', '8.8.8.8'].map((a) => addressAllowed('any', a))).toEqual([true, true, true, true, true]);
    expect(['127.0.0.1', '8.8.8.8'].map((a) => addressAllowed('off', a))).toEqual([false, false]);
    expect(['127.0.0.1', '8.8.8.8'].map((a) => addressAllowed('public', a))).toEqual([false, true]);
  });

  it("lets named addresses and ranges through under 'public'", () => {
    const allow = ['192.168.1.10', '10.0.0.0/8', 'fd00::/8'];
    expect(['192.168.1.10', '10.9.8.7', '::ffff:10.1.1.1', 'fd12::1'].map((a) => addressAllowed('public', a, allow))).toEqual([true, true, true, true]);
    expect(['192.168.1.11', '127.0.0.1', 'fe80::1'].map((a) => addressAllowed('public', a, allow))).toEqual([false, false, false]);
  });
});

describe('literalAddress', () => {
  it('tells IP literals from host names', () => {
    expect(['127.0.0.1', '[::1]', 'localhost', 'example.com'].map(literalAddress)).toEqual(['127.0.0.1', '::1', undefined, undefined]);
  });
});

describe('guardedLookup', () => {
  const run = (resolver: Resolver, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) => {
      guardedLookup('public', resolver)('host.test', { all }, (error, address) => resolve({ error, address }));
    });
  const answers = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name when any one of its addresses is not public, naming it', async () => {
    const { error } = await run(answers('93.184.216.34', '127.0.0.1'), true);
    expect(error).toBeInstanceOf(FetchError);
    expect(error).toMatchObject({ code: 'blocked', reason: 'address', host: 'host.test', address: '127.0.0.1', message: 'Refusing to fetch from host.test (127.0.0.1): not a public address.' });
    expect((await run(answers(), false)).error).toMatchObject({ code: 'blocked', message: 'Refusing to fetch from host.test (no address): not a public address.' });
  });

  it('hands the checked addresses to the socket, one or all as asked', async () => {
    expect(await run(answers('93.184.216.34', '2606:4700::1111'), true)).toEqual({
      error: null, address: [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }],
    });
    expect(await run(answers('93.184.216.34'), false)).toEqual({ error: null, address: '93.184.216.34' });
  });

  it('passes resolver errors through', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND host.test'), { code: 'ENOTFOUND' });
    expect((await run(() => Promise.reject(notFound), true)).error).toBe(notFound);
  });
});

describe('openUrl refuses before connecting', () => {
  afterEach(() => vi.restoreAllMocks());
  const noResolver: Resolver = () => Promise.reject(new Error('no name may be resolved here'));

  it("every non-public literal host under 'public' (no socket is opened)", async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    for (const host of REFUSED_HOSTS) {
      const error = await openUrl(`http://${host}:9/file`, { policy: 'public', resolver: noResolver }).catch((e: unknown) => e);
      expect(error, host).toBeInstanceOf(FetchError);
      expect(error, host).toMatchObject({ code: 'blocked', reason: 'address', message: `Refusing to fetch from ${new URL(`http://${host}/`).hostname}: not a public address.` });
    }
    expect(connect).not.toHaveBeenCalled();
  });

  it("everything under 'off', other schemes, and what is not a URL", async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    await expect(openUrl('http://example.com/', { policy: 'off' })).rejects.toMatchObject({ code: 'disabled' });
    await expect(openUrl('file:///etc/passwd', { policy: 'any' })).rejects.toMatchObject({ code: 'blocked', reason: 'protocol', message: 'Only http and https URLs can be fetched, not file:' });
    await expect(openUrl('gopher://127.0.0.1/', { policy: 'any' })).rejects.toMatchObject({ code: 'blocked', reason: 'protocol' });
    await expect(openUrl('not a url', { policy: 'any' })).rejects.toMatchObject({ code: 'failed', reason: 'invalid_url', message: "'not a url' is not a URL." });
    expect(connect).not.toHaveBeenCalled();
  });

  it('a signal aborted already', async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    await expect(openUrl('http://127.0.0.1:9/', { policy: 'any', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    expect(connect).not.toHaveBeenCalled();
  });
});
