/**
 * The KPI domain: live windows for the dashboard, its SSE stream, the SLA page and the hourly rollups.
 * Other folders import this domain only through this file.
 */
export { createKpiServices } from './create-kpi-services.js';
