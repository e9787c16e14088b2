/**
 * LAN access: rebinding the listeners to all interfaces and back, and what that switches (guest login).
 * Other folders import this domain only through this file.
 */
export { LanAccessService } from './lan-access-service.js';
