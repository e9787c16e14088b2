/**
 * The team domain: members and roles, invitations and password-reset links, password login with lockout
 * backoff, and the audit log of admin actions. A domain of its own rather than more of auth/: auth/ answers
 * "who is this request" on every request and stays small and hot; team/ is the admin-managed lifecycle of
 * accounts around it (it uses auth/ to open sessions; auth/ knows nothing of it).
 * Other folders import this domain only through this file.
 */
export { AuditLog, type AuditAction } from './audit-log.js';
export { createTeamServices, type TeamDeps } from './create-team.js';
export { LoginThrottle, loginThrottleDefaults, loginThrottled, throttleKeys } from './login-throttle.js';
export type { LoginGuard } from './login-throttle.js';
export { hashPassword, needsRehash, verifyPassword } from './password-hash.js';
export { PASSWORD_RULE, passwordProblem } from './password-rules.js';
