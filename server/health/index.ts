/**
 * Health: the status `/v1/health` reports (database, degraded reasons, version, uptime).
 * Other folders import this domain only through this file.
 */
export { HealthService } from './health-service.js';
