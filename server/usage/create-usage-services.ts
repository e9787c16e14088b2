/** Wires the usage domain (quotas, their enforcement, the counters and the reports) for createServices. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { MemberLimits } from '../limits/index.js';
import type { Store } from '../store/store.js';
import { MemberQuotasService, type QuotaChange } from './member-quotas.js';
import { QuotaGate } from './quota-gate.js';
import { RequestAccounting } from './request-accounting.js';
import { UsageRecorder } from './usage-recorder.js';
import { UsageService } from './usage-service.js';

export interface UsageDeps {
  logger?: Logger;
  /** Told of every quota change (the audit log). */
  onQuotaChange?: (change: QuotaChange) => Promise<void> | void;
}

export function createUsageServices(store: Store, config: Pick<Config, 'fairQueue'>, deps: UsageDeps = {}) {
  const recorder = new UsageRecorder(store.usage, { logger: deps.logger });
  const memberLimits = new MemberLimits();
  const memberQuotas = new MemberQuotasService({ quotas: store.memberQuotas, users: store.users, onChange: deps.onQuotaChange });
  return {
    memberQuotas,
    quotaGate: new QuotaGate(memberQuotas, memberLimits, recorder, store.usage),
    usage: new UsageService(store.usage, recorder, memberQuotas, memberLimits),
    /** Handed to the inference runners: who asked (fairness key, counters). */
    requestAccounting: new RequestAccounting(recorder, config.fairQueue),
    /** Flushes on close: call before the store closes. */
    usageRecorder: recorder,
  };
}
