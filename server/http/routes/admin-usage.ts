import { MemberIdParams, MemberQuotas, MemberQuotasBody, MyUsage, UsageQuery, UsageReport } from '../../api/usage.js';
import { endpoint } from '../endpoint.js';

const tags = ['admin'];

export const getQuotas = endpoint({
  summary: "A member's quotas (null: no limit of that kind).", tags, access: 'admin', params: MemberIdParams, response: MemberQuotas,
  handle: ({ params }, s) => s.memberQuotas.get(params.id),
});

export const setQuotas = endpoint({
  summary: "Set a member's quotas: requests per minute, generated tokens per day, concurrent streams, stored bytes (null: no limit; keys left out keep their value). Applies from the next request.",
  tags, access: 'admin', params: MemberIdParams, body: MemberQuotasBody, response: MemberQuotas,
  handle: ({ params, body, principal }, s) => s.memberQuotas.set(principal.userId, params.id, body),
});

export const usage = endpoint({
  summary: 'Usage per member, model or UTC day over [from, to) (unix seconds; default the last 7 days): requests, errors, tokens, model seconds, stored bytes.',
  tags, access: 'admin', query: UsageQuery, response: UsageReport,
  handle: ({ query }, s) => s.usage.report(query),
});

export const mine = endpoint({
  summary: 'Your own usage today and over the last 7 days, your quotas and what is left of them.',
  tags: ['usage'], response: MyUsage,
  handle: ({ principal }, s) => s.usage.me(principal.userId),
});
