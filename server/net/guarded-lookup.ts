/**
 * The DNS lookup the fetcher's sockets use. Every address a host name resolves to is checked against the
 * policy inside the socket's own lookup, and the socket connects only to addresses that passed: the address
 * checked is the address connected to, so a second answer from a rebinding DNS server never gets a say.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressAllowed, type AddressPolicy } from './address-policy.js';
import { FetchError } from './fetch-error.js';

/** Resolves a host name to its addresses (family 0: both). Tests inject one; the default asks the system. */
export type Resolver = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname, family) => dnsLookup(hostname, { all: true, family });

function familyOf(options: LookupOptions): 0 | 4 | 6 {
  const family = options.family;
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/** A `lookup` for `http.request` that refuses a host when any of its addresses breaks the policy. */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver, allow: readonly string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options)).then(
      (list) => {
        const refused = list.find((entry) => !addressAllowed(policy, entry.address, allow));
        if (refused || list.length === 0) {
          const error = new FetchError('blocked', `Refusing to fetch from ${hostname} (${refused?.address ?? 'no address'}): not a public address.`, {
            reason: 'address', host: hostname, ...(refused && { address: refused.address }),
          });
          return callback(error as NodeJS.ErrnoException, '', 4);
        }
        if (options.all) return callback(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
