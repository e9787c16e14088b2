import { ContentBody, ContentResult, SentimentBody, SentimentResult, SummaryBody, SummaryResult } from '../../api/analysis.js';
import { endpoint } from '../endpoint.js';

/**
 * The guide's Response API. The timeout covers reading the input (a file may need OCR), loading the model,
 * the wait for a slot and every chunk's generation (60 s, the cap); the request's signal stops them all.
 */
const ANALYSIS_TIMEOUT_MS = 60_000;

export const sentiment = endpoint({
  summary: 'Sentiment of a text, conversation or file: label, score, confidence and aspects (model or lexicon engine).', tags: ['analysis'],
  body: SentimentBody, response: SentimentResult, timeoutMs: ANALYSIS_TIMEOUT_MS,
  handle: ({ body, principal, ctx }, s) => s.analysis.sentiment(principal.userId, body, ctx.state.signal),
});

export const summary = endpoint({
  summary: 'Summary and key points of a text, conversation or file (needs a model; long inputs are summarized in parts).', tags: ['analysis'],
  body: SummaryBody, response: SummaryResult, timeoutMs: ANALYSIS_TIMEOUT_MS,
  handle: ({ body, principal, ctx }, s) => s.analysis.summary(principal.userId, body, ctx.state.signal),
});

export const content = endpoint({
  summary: 'Language, topics, entities, keywords and reading level of a text, conversation or file.', tags: ['analysis'],
  body: ContentBody, response: ContentResult, timeoutMs: ANALYSIS_TIMEOUT_MS,
  handle: ({ body, principal, ctx }, s) => s.analysis.content(principal.userId, body, ctx.state.signal),
});
