/**
 * Limits: request rates (token buckets), connections, streams and requests in flight, with soft limits that
 * only report and hard limits that refuse.
 * Other folders import this domain only through this file.
 */
export { LimitsService } from './limits-service.js';
export type { ClientVerdict, RateDecision, SharedClientRates } from './rate-limiter.js';
export { MemberLimits } from './member-limits.js';
