import type { Role } from '../store/users-repo.js';

/** How a request proved who it is; sent back as `X-Auth-Method`. `none` means auth is switched off. */
export type AuthMethod = 'apikey' | 'jwt' | 'session' | 'none';

/** Owner and admins administer the server (`/v1/admin/*`, models, settings, LAN); members and guests use it. */
export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

export interface Principal {
  userId: string;
  role: Role;
  method: AuthMethod;
  /** With method `session`: the session row the cookie names (to end it, or to mark it current). */
  sessionId?: string;
  /** With method `apikey` and a stored key (not `JAN_API_KEY`): which key, so that a session made from it ends with it. */
  apiKey?: { id: string; expiresAt: number | null };
}
