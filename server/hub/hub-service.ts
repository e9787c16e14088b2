/**
 * The hub's read side: search GGUF repositories, the recommended list, and one repository's quantizations
 * with their fit on this machine. Every answer comes from the hub live (no cache but the recommended list's
 * figures); a hub that cannot be reached is a 502 that says local import still works.
 *
 * Lifecycle: no timers or handles; nothing to close.
 */
import { setMaxListeners } from 'node:events';
import { hubDisabled, hubError } from './hub-errors.js';
import type { HubClient } from './hub-client.js';
import { cursorQuery, nextCursor, toHubFiles, toHubRepo, type HubFile, type HubRepo } from './hub-shapes.js';
import type { MachineProbe } from './machine-probe.js';
import { modelFit, type Fit } from './model-fit.js';
import { groupQuantizations, type QuantizationGroup } from './quantizations.js';
import { isRecommended, RECOMMENDED, staticRepo, type RecommendedKind } from './recommended.js';
import { MAX_REMOTE_HEADER_BYTES, parseGgufShape, type GgufShape } from './remote-gguf-header.js';
import { badRequest } from '../errors/app-error.js';

export interface HubServiceOptions {
  enabled: boolean;
  client: HubClient;
  machine: MachineProbe;
  modelsDir: string;
  /** Tokens of context per sequence and sequences per model (JAN_CONTEXT_SIZE, JAN_PARALLEL), for the KV cache. */
  contextSize: number;
  parallel: number;
  now?: () => number;
}

export type HubSort = 'downloads' | 'likes' | 'updated';

export interface HubSearch {
  search?: string | undefined;
  sort?: HubSort | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export type ListedRepo = HubRepo & { recommended: boolean };

export interface RepoView extends HubRepo {
  metadata: GgufShape | null;
  quantizations: Array<QuantizationGroup & { fit: Fit; recommended: boolean }>;
  free_ram_bytes: number;
  free_disk_bytes: number;
}

const SORT_FIELD: Record<HubSort, string> = { downloads: 'downloads', likes: 'likes', updated: 'lastModified' };
const EXPAND = ['author', 'downloads', 'likes', 'lastModified', 'tags', 'gated'];
/** The recommended list's live figures are asked again after this long. */
const RECOMMENDED_TTL_MS = 10 * 60 * 1000;
/** A huge repository's tree comes in pages; more than this many pages is not a model repository. */
const MAX_TREE_PAGES = 20;

export class HubService {
  private recommendedCache: { at: number; repos: Map<string, HubRepo> } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HubServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  get client(): HubClient {
    return this.options.client;
  }

  get machine(): MachineProbe {
    return this.options.machine;
  }

  /** Throws 403 when the hub is switched off (JAN_HUB=off). */
  assertEnabled(): void {
    if (!this.options.enabled) throw hubDisabled();
  }

  async search(query: HubSearch, signal?: AbortSignal): Promise<{ object: 'list'; data: ListedRepo[]; next_cursor: string | null }> {
    this.assertEnabled();
    let params: URLSearchParams;
    if (query.cursor !== undefined) {
      const fromCursor = cursorQuery(query.cursor);
      if (!fromCursor) throw badRequest('`cursor` is not a cursor this endpoint gave out.', 'cursor', 'invalid_cursor');
      params = fromCursor;
    } else {
      params = new URLSearchParams({ filter: 'gguf', sort: SORT_FIELD[query.sort ?? 'downloads'], direction: '-1', limit: String(query.limit ?? 20) });
      if (query.search) params.set('search', query.search);
      for (const field of EXPAND) params.append('expand[]', field);
    }
    const { json, link } = await this.ask(() => this.client.getJson(`/api/models?${params}`, signal));
    const repos = (Array.isArray(json) ? json : []).map(toHubRepo).filter((r): r is HubRepo => r !== undefined);
    return { object: 'list', data: repos.map((r) => ({ ...r, recommended: isRecommended(r.id) })), next_cursor: nextCursor(link) };
  }

  async recommended(signal?: AbortSignal): Promise<{ object: 'list'; data: Array<ListedRepo & { kind: RecommendedKind; note: string }> }> {
    this.assertEnabled();
    const live = await this.recommendedFigures(signal);
    const data = RECOMMENDED.map((entry) => ({ ...(live.get(entry.id) ?? staticRepo(entry)), recommended: true, kind: entry.kind, note: entry.note }));
    return { object: 'list', data };
  }

  /** The hub's view of one repository (404/403 as the hub says). */
  async repo(repoId: string, signal?: AbortSignal): Promise<HubRepo> {
    this.assertEnabled();
    const { json } = await this.ask(() => this.client.getJson(`/api/models/${repoId}`, signal), repoId);
    const repo = toHubRepo(json);
    if (!repo) throw hubError(new SyntaxError('not a model'), this.client.endpoint, repoId);
    return repo;
  }

  /** Every file in the repository's main branch, with LFS sizes and SHA-256s. */
  async files(repoId: string, signal?: AbortSignal): Promise<HubFile[]> {
    this.assertEnabled();
    const files: HubFile[] = [];
    let path: string | undefined = `/api/models/${repoId}/tree/main?recursive=true`;
    for (let page = 0; path !== undefined && page < MAX_TREE_PAGES; page++) {
      const { json, link }: { json: unknown; link: string | undefined } = await this.ask(() => this.client.getJson(path!, signal), repoId);
      files.push(...toHubFiles(json));
      const next: RegExpExecArray | null = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '');
      path = next ? pathOf(next[1]!) : undefined;
    }
    return files;
  }

  async view(repoId: string, signal?: AbortSignal): Promise<RepoView> {
    const [repo, files] = await Promise.all([this.repo(repoId, signal), this.files(repoId, signal)]);
    const groups = groupQuantizations(files);
    const metadata = groups.length > 0 ? await this.shape(repoId, groups[0]!.files[0]!.name, signal) : null;
    const freeRam = this.machine.freeRamBytes();
    const freeDisk = await this.machine.freeDiskBytes(this.options.modelsDir);
    const fitted = groups.map((group) => ({
      ...group,
      fit: modelFit({ weightsBytes: group.size_bytes, shape: metadata, contextSize: this.options.contextSize, parallel: this.options.parallel, freeRamBytes: freeRam, freeDiskBytes: freeDisk }),
    }));
    const best = fitted.filter((g) => g.fit.verdict === 'fits').at(-1);
    return {
      ...repo,
      metadata,
      quantizations: fitted.map((g) => ({ ...g, recommended: g === best })),
      free_ram_bytes: freeRam,
      free_disk_bytes: freeDisk,
    };
  }

  /** The model's shape from its first file's header, read remotely; null when it cannot be read (gated, say). */
  private async shape(repoId: string, file: string, signal?: AbortSignal): Promise<GgufShape | null> {
    try {
      const head = await this.client.readHead(repoId, file, MAX_REMOTE_HEADER_BYTES, (bytes) => parseGgufShape(bytes).complete, signal);
      return parseGgufShape(head).shape;
    } catch (error) {
      if (signal?.aborted) throw error;
      return null;
    }
  }

  private async recommendedFigures(signal?: AbortSignal): Promise<Map<string, HubRepo>> {
    if (this.recommendedCache && this.now() - this.recommendedCache.at < RECOMMENDED_TTL_MS) return this.recommendedCache.repos;
    if (signal) setMaxListeners(RECOMMENDED.length + 10, signal); // one abort listener per concurrent request
    const answers = await Promise.allSettled(RECOMMENDED.map((entry) => this.client.getJson(`/api/models/${entry.id}`, signal)));
    const repos = new Map<string, HubRepo>();
    answers.forEach((answer, i) => {
      const repo = answer.status === 'fulfilled' ? toHubRepo(answer.value.json) : undefined;
      if (repo) repos.set(RECOMMENDED[i]!.id, { ...repo, license: repo.license ?? RECOMMENDED[i]!.license });
    });
    // Only a full answer is kept: a hub that was down for a moment is asked again next time.
    if (repos.size === RECOMMENDED.length) this.recommendedCache = { at: this.now(), repos };
    return repos;
  }

  private async ask<T>(work: () => Promise<T>, repo?: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw hubError(error, this.client.endpoint, repo, this.client.hasToken, true);
    }
  }
}

function pathOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return undefined;
  }
}
