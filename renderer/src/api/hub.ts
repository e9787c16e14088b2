/**
 * The model hub as the dashboard sees it: searching Hugging Face's GGUF repositories through the server
 * (`/v1/hub/*`), one repository's quantizations with their fit on this machine, and pulls (`/v1/models/pull*`).
 * Types come from the server's zod schemas (server/api/hub.ts; type-only imports), so a change there breaks
 * this build. Kept beside the main `Api` rather than in it: `useHub()` builds these calls on the same `Http`
 * (same origin, same session cookie, same error envelope), so component tests drive them with the same fake fetch.
 */
import { useMemo } from 'react';
import type { z } from 'zod';
import type {
  HubRepo as HubRepoSchema, HubRepoView, HubSearchQuery, ModelFit, Pull as PullSchema, RecommendedRepo as RecommendedRepoSchema,
} from '../../../server/api/hub.js';
import { useApi } from '../hooks/api-context.js';
import type { Http } from './http.js';

export type HubSort = z.infer<typeof HubSearchQuery>['sort'] & string;
export type HubRepo = z.infer<typeof HubRepoSchema>;
export type RecommendedRepo = z.infer<typeof RecommendedRepoSchema>;
export type RecommendedKind = RecommendedRepo['kind'];

export interface HubList<T> {
  object: 'list';
  data: T[];
  next_cursor?: string | null;
}

export type HubRepoDetail = z.infer<typeof HubRepoView>;
export type HubQuantization = HubRepoDetail['quantizations'][number];
export type HubMetadata = NonNullable<HubRepoDetail['metadata']>;
export type QuantizationFit = z.infer<typeof ModelFit>;
export type FitVerdict = QuantizationFit['verdict'];

export type Pull = z.infer<typeof PullSchema>;
export type PullStatus = Pull['status'];

/** Statuses in which the server is still working on a pull (the list is polled while one is). */
export const ACTIVE_PULL: readonly PullStatus[] = ['queued', 'downloading', 'verifying'];
/** Statuses after which nothing more happens to a pull. */
export const FINISHED_PULL: readonly PullStatus[] = ['completed', 'failed', 'cancelled'];

/** Ollama's reference form, which `POST /v1/models/pull` takes. */
export const pullReference = (repo: string, quantization: string) => `hf.co/${repo}:${quantization}`;

/** The hash route of a repository's page, `#/hub/owner/repo` (each part encoded, the slash kept). */
export const repoHref = (id: string) => `#/hub/${id.split('/').map(encodeURIComponent).join('/')}`;

export const hubKeys = {
  all: ['hub'] as const,
  recommended: ['hub', 'recommended'] as const,
  search: (search: string, sort: HubSort) => ['hub', 'search', search, sort] as const,
  repo: (id: string) => ['hub', 'repo', id] as const,
  /** Not under `hub`: pulls are shown on the Models page too and outlive a hub search. */
  pulls: ['model-pulls'] as const,
};

const repoPath = (id: string) => id.split('/').map(encodeURIComponent).join('/');
const pullPath = (id: string) => `/v1/models/pulls/${encodeURIComponent(id)}`;

export function createHubApi(http: Http) {
  return {
    search: (search: string, sort: HubSort, cursor?: string, limit = 20) =>
      http.json<HubList<HubRepo>>('GET', '/v1/hub/models', { query: { search: search || undefined, sort, limit, cursor } }),
    recommended: () => http.json<HubList<RecommendedRepo>>('GET', '/v1/hub/recommended'),
    repo: (id: string) => http.json<HubRepoDetail>('GET', `/v1/hub/models/${repoPath(id)}`),
    pulls: () => http.json<HubList<Pull>>('GET', '/v1/models/pulls'),
    /** Starts a download; answers at once (202) with the pull, whose progress is then read from `pulls()`. */
    pull: (repo: string, quantization: string) => http.json<Pull>('POST', '/v1/models/pull', { body: { model: pullReference(repo, quantization) } }),
    pause: (id: string) => http.json<Pull>('POST', `${pullPath(id)}/pause`),
    resume: (id: string) => http.json<Pull>('POST', `${pullPath(id)}/resume`),
    cancel: (id: string) => http.json<unknown>('DELETE', pullPath(id)),
  };
}

export type HubApi = ReturnType<typeof createHubApi>;

export function useHub(): HubApi {
  const { http } = useApi();
  return useMemo(() => createHubApi(http), [http]);
}
