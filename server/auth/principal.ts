import type { Role } from '../store/users-repo.js';

/** How a request proved who it is; sent back as `X-Auth-Method`. `none` means auth is switched off. */
export type AuthMethod = 'apikey' | 'jwt' | 'session' | 'none';

export interface Principal {
  userId: string;
  role: Role;
  method: AuthMethod;
}
