/**
 * The auth domain: users, API keys, guest tokens, dashboard sessions and the authenticator that turns a
 * request's credentials into a principal.
 * Other folders import this domain only through this file.
 */
export { ApiKeysService } from './api-keys-service.js';
export { Authenticator } from './authenticator.js';
export { LoginLinks } from './login-links.js';
export { isAdmin, type Principal } from './principal.js';
export { SessionsService, type IssuedSession, type SessionClient } from './sessions-service.js';
export { TokenSigner } from './token-signer.js';
export { UsersService } from './users-service.js';
