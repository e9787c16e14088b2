/** Wires the team domain over the store and the auth domain's sessions. Called by create-services.ts. */
import type { SessionsService } from '../auth/index.js';
import type { Store } from '../store/store.js';
import { AuditLog } from './audit-log.js';
import { InvitationsService } from './invitations-service.js';
import { LoginService } from './login-service.js';
import { LoginThrottle, type LoginGuard } from './login-throttle.js';
import { MembersService } from './members-service.js';

export interface TeamDeps {
  sessions: Pick<SessionsService, 'forUser' | 'revokeAll'>;
  /** Where other machines reach this server now (the LAN URL while LAN access is on), for invitation links. */
  publicOrigin: () => string;
  serverName?: () => string;
  /** Failed-login counts shared by replicas (server/cluster/); default: this process's LoginThrottle. */
  loginThrottle?: LoginGuard;
}

export function createTeamServices(store: Store, deps: TeamDeps) {
  const audit = new AuditLog(store);
  const invitations = new InvitationsService({ store, audit, sessions: deps.sessions, publicOrigin: deps.publicOrigin, serverName: deps.serverName });
  return {
    audit,
    invitations,
    members: new MembersService(store, audit, invitations),
    login: new LoginService(store, deps.sessions, deps.loginThrottle ?? new LoginThrottle()),
  };
}
