/**
 * The curated list of models the hub's first screen shows (recommended-models.json, shipped with the app):
 * well-known small and medium GGUF repositories by repo id, each with its kind and a one-line note. With the
 * hub reachable their figures (downloads, likes, updated) are filled in live and kept for ten minutes;
 * offline the static fields are answered alone.
 */
import list from './recommended-models.json' with { type: 'json' };
import type { HubRepo } from './hub-shapes.js';

export type RecommendedKind = 'instruct' | 'coder' | 'embedding';

export interface RecommendedEntry {
  id: string;
  kind: RecommendedKind;
  license: string;
  note: string;
}

export const RECOMMENDED: readonly RecommendedEntry[] = list as RecommendedEntry[];

const RECOMMENDED_IDS = new Set(RECOMMENDED.map((entry) => entry.id.toLowerCase()));

export const isRecommended = (repoId: string) => RECOMMENDED_IDS.has(repoId.toLowerCase());

/** An entry's answer when the hub could not be asked: what the shipped list knows. */
export function staticRepo(entry: RecommendedEntry): HubRepo {
  return { id: entry.id, author: entry.id.split('/')[0]!, downloads: 0, likes: 0, updated_at: 0, tags: ['gguf'], license: entry.license, gated: false };
}
