/**
 * The analysis domain: sentiment, summaries and content analysis (`/v1/response/*`), by a loaded model
 * or, without one, the lexicon engine.
 * Other folders import this domain only through this file.
 */
export { createAnalysisService } from './create-analysis-service.js';
