/**
 * Health: the status `/v1/health` reports (database, degraded reasons, version, uptime), the disk-space
 * monitor behind its `disk_full` reason, and readiness for `/readyz` (probes such as the database and Redis; draining).
 * Other folders import this domain only through this file.
 */
export { DiskSpaceMonitor, DISK_FULL_REASON, type DiskSpaceOptions } from './disk-space-monitor.js';
export { HealthService } from './health-service.js';
export { Readiness, type ReadinessProbe, type ReadinessState } from './readiness.js';
