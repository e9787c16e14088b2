/**
 * The Hub's JSON, read defensively into our shapes. The Hub's model objects (`/api/models`, `/api/models/{id}`)
 * carry `id`, `author`, `downloads`, `likes`, `lastModified` (ISO date), `tags` (`license:apache-2.0` among
 * them), `gated` (false, `"auto"` or `"manual"`) and `cardData.license`; fields can be missing, so each has a
 * fallback. Our list cursor is the hub's own next-page query (from its `Link` header), base64url-encoded.
 */
export interface HubRepo {
  id: string;
  author: string;
  downloads: number;
  likes: number;
  /** Unix seconds; 0 when unknown. */
  updated_at: number;
  tags: string[];
  license: string | null;
  gated: boolean;
}

/** One file of a repository's tree. */
export interface HubFile {
  path: string;
  size: number;
  /** The LFS object's SHA-256 (hex), null for a file not in LFS. */
  sha256: string | null;
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function toHubRepo(raw: unknown): HubRepo | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const id = typeof o.id === 'string' ? o.id : typeof o.modelId === 'string' ? o.modelId : undefined;
  if (id === undefined || !id.includes('/')) return undefined;
  const tags = Array.isArray(o.tags) ? o.tags.filter((t): t is string => typeof t === 'string') : [];
  const card = typeof o.cardData === 'object' && o.cardData !== null ? (o.cardData as Record<string, unknown>) : {};
  const licenseTag = tags.find((t) => t.startsWith('license:'))?.slice('license:'.length);
  const cardLicense = typeof card.license === 'string' ? card.license : undefined;
  const modified = typeof o.lastModified === 'string' ? Date.parse(o.lastModified) : NaN;
  return {
    id,
    author: typeof o.author === 'string' ? o.author : id.split('/')[0]!,
    downloads: num(o.downloads),
    likes: num(o.likes),
    updated_at: Number.isFinite(modified) ? Math.floor(modified / 1000) : 0,
    tags,
    license: cardLicense ?? licenseTag ?? null,
    gated: o.gated === true || o.gated === 'auto' || o.gated === 'manual',
  };
}

/** A repository tree (`/api/models/{id}/tree/main?recursive=true`): its files, with LFS sizes and hashes. */
export function toHubFiles(raw: unknown): HubFile[] {
  if (!Array.isArray(raw)) return [];
  const files: HubFile[] = [];
  for (const entry of raw as Array<Record<string, unknown>>) {
    if (entry?.type !== 'file' || typeof entry.path !== 'string') continue;
    const lfs = typeof entry.lfs === 'object' && entry.lfs !== null ? (entry.lfs as Record<string, unknown>) : undefined;
    const oid = typeof lfs?.oid === 'string' && /^[0-9a-f]{64}$/i.test(lfs.oid) ? lfs.oid.toLowerCase() : null;
    files.push({ path: entry.path, size: num(lfs?.size ?? entry.size), sha256: oid });
  }
  return files;
}

/** The next page's cursor from a `Link: <url>; rel="next"` header, or null on the last page. */
export function nextCursor(link: string | undefined): string | null {
  const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '');
  if (!next) return null;
  let query: string;
  try {
    query = new URL(next[1]!).search.slice(1);
  } catch {
    return null;
  }
  return Buffer.from(query, 'utf8').toString('base64url');
}

/** The hub query a cursor stands for, or undefined when it is not one of ours. */
export function cursorQuery(cursor: string): URLSearchParams | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const query = new URLSearchParams(Buffer.from(cursor, 'base64url').toString('utf8'));
  return query.has('filter') || query.has('cursor') ? query : undefined;
}
