/**
 * The model hub as the dashboard sees it: searching Hugging Face's GGUF repositories through the server
 * (`/v1/hub/*`), one repository's quantizations with their fit on this machine, and pulls (`/v1/models/pull*`).
 * Kept beside the main `Api` rather than in it: `useHub()` builds these calls on the same `Http` (same origin,
 * same session cookie, same error envelope), so component tests drive them with the same fake fetch.
 */
import { useMemo } from 'react';
import { useApi } from '../hooks/api-context.js';
import type { Http } from './http.js';

export type HubSort = 'downloads' | 'likes' | 'updated';

export interface HubRepo {
  /** `owner/repo`. */
  id: string;
  author: string;
  downloads: number;
  likes: number;
  /** Unix seconds. */
  updated_at: number;
  tags: string[];
  license: string | null;
  gated: boolean;
  recommended: boolean;
}

export type RecommendedKind = 'instruct' | 'coder' | 'embedding';

export interface RecommendedRepo extends HubRepo {
  kind: RecommendedKind;
  note: string;
}

export interface HubList<T> {
  object: 'list';
  data: T[];
  next_cursor?: string | null;
}

export type FitVerdict = 'fits' | 'tight' | 'wont_fit';

export interface QuantizationFit {
  ram_needed_bytes: number;
  free_ram_bytes: number;
  free_disk_bytes: number;
  verdict: FitVerdict;
  /** Layers offloaded to the GPU, or null without a GPU. */
  gpu_layers: number | null;
}

export interface HubQuantization {
  quantization: string;
  files: { name: string; size_bytes: number; sha256: string | null }[];
  size_bytes: number;
  fit: QuantizationFit;
  recommended: boolean;
}

export interface HubMetadata {
  architecture: string | null;
  block_count: number | null;
  head_count: number | null;
  head_count_kv: number | null;
  embedding_length: number | null;
  context_length: number | null;
}

export interface HubRepoDetail extends Omit<HubRepo, 'recommended'> {
  metadata: HubMetadata | null;
  quantizations: HubQuantization[];
  free_ram_bytes: number;
  free_disk_bytes: number;
}

export type PullStatus = 'queued' | 'downloading' | 'paused' | 'verifying' | 'completed' | 'failed' | 'cancelled';

export interface Pull {
  id: string;
  object: 'model.pull';
  /** The reference asked for, `hf.co/owner/repo:Q4_K_M`. */
  model: string;
  repo: string;
  quantization: string | null;
  files: unknown[];
  status: PullStatus;
  bytes_total: number | null;
  bytes_done: number;
  rate_bytes_per_second: number | null;
  eta_seconds: number | null;
  error: { message: string } | null;
  /** The installed model's id once completed. */
  model_id: string | null;
  created_at: number;
  updated_at: number;
}

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
