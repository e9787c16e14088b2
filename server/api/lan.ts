/** LAN access: the admin switch that makes the server reachable from other machines (`/v1/admin/lan`). */
import { z } from 'zod';

export const LanUpdateBody = z.object({
  /** true: listen on all interfaces (needs authentication on); false: loopback only. */
  enabled: z.boolean(),
});

export const LanStatus = z.object({
  object: z.literal('lan_access'),
  enabled: z.boolean(),
  /** The address the server listens on now, e.g. `127.0.0.1` or `0.0.0.0`. */
  host: z.string(),
  port: z.number().int(),
  /** How a client on this machine reaches the server. */
  local_url: z.string(),
  /** How other machines reach it: one URL per non-loopback address of this machine; empty when off. */
  lan_urls: z.array(z.string()),
  /** Host names accepted in the `Host` header besides IP literals and `localhost` (the machine's own, when on). */
  lan_hostnames: z.array(z.string()),
  /** Whether `POST /auth/guest-login` answers now (`JAN_GUEST_LOGIN=auto` follows the binding). */
  guest_login: z.boolean(),
});
export type LanStatus = z.infer<typeof LanStatus>;
