/** One search's results, page after page through the server's `next_cursor`. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { hubKeys, useHub, type HubSort } from '../../api/hub.js';
import { Card } from '../../components/Card.js';
import { EmptyState } from '../../components/Notes.js';
import { HubError } from './HubError.js';
import { RepoTable } from './RepoTable.js';

export const PAGE_SIZE = 20;

export function SearchResults({ search, sort }: { search: string; sort: HubSort }) {
  const hub = useHub();
  const query = useInfiniteQuery({
    queryKey: hubKeys.search(search, sort),
    queryFn: ({ pageParam }) => hub.search(search, sort, pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const repos = query.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Card title="Results" hint={query.data ? `${repos.length}${query.hasNextPage ? '+' : ''} repositories` : 'searching…'}>
      <HubError error={query.error} prefix="The search failed" />
      {query.data && repos.length === 0 && (
        <EmptyState title="No GGUF repository matches">Try fewer words, or the model family's name (qwen, llama, phi, gemma).</EmptyState>
      )}
      {repos.length > 0 && <RepoTable repos={repos} label={`Results for ${search}`} />}
      {query.hasNextPage && (
        <div className="row hub-more">
          <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage ? 'Loading…' : 'More results'}
          </button>
        </div>
      )}
    </Card>
  );
}
