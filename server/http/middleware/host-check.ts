import { isIP } from 'node:net';
import { forbidden } from '../../errors/app-error.js';
import type { AppMiddleware } from '../types.js';

/**
 * Defends against DNS rebinding: a web page can make a browser send requests to 127.0.0.1 under a hostname
 * the attacker controls. We answer only requests whose Host is an IP literal, `localhost`, a name the user
 * allowed (JAN_ALLOWED_HOSTS), or one of `currentHosts()`: names that follow the binding (the machine's own
 * names while LAN access is on, see lan/lan-access-service.ts), read per request.
 */
export function hostCheck(allowedHosts: readonly string[], currentHosts: () => readonly string[] = () => []): AppMiddleware {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  // The last Host header that passed the fixed rules (clients send the same one on every request); hosts
  // allowed only by `currentHosts()` are checked every time, as that list changes with the LAN switch.
  let lastFixedHost: string | undefined;
  return (ctx, next) => {
    const host = ctx.get('Host');
    if (host !== '' && host === lastFixedHost) return next();
    const hostname = ctx.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const fixed = hostname === '' || isIP(hostname) !== 0 || hostname === 'localhost' || hostname.endsWith('.localhost') || allowed.has(hostname);
    if (fixed) lastFixedHost = host;
    else if (!currentHosts().includes(hostname)) {
      throw forbidden(`Host '${hostname}' is not allowed. Add it to JAN_ALLOWED_HOSTS to serve it.`, 'host_not_allowed');
    }
    return next();
  };
}
