/**
 * Team quotas and usage: per-member limits set by an admin and enforced before a request works, fairness
 * keys for the slot queue, hourly usage counters per member and model, and the reports over them.
 * Other folders import this domain only through this file.
 */
export { createUsageServices } from './create-usage-services.js';
export type { QuotaChange } from './member-quotas.js';
export type { QuotaGate, QuotaRequest } from './quota-gate.js';
export type { RequestAccounting } from './request-accounting.js';
