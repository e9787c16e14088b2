/**
 * Hub: find GGUF models on Hugging Face through the server, see which quantization fits this machine, and
 * download it with progress that survives a reload. `#/hub` searches (the recommended list while the box is
 * empty); `#/hub/owner/repo` is one repository.
 */
import { useState } from 'react';
import type { HubSort } from '../api/hub.js';
import { Unavailable } from '../components/Notes.js';
import { PullList } from '../components/PullList.js';
import { useCapabilities } from '../hooks/api-context.js';
import { href } from '../lib/hash-route.js';
import { Recommended } from './hub/Recommended.js';
import { RepoView } from './hub/RepoView.js';
import { SearchBar } from './hub/SearchBar.js';
import { SearchResults } from './hub/SearchResults.js';
import { useDebounced } from './hub/use-debounced.js';

/** Typing pauses this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 300;

function Browse() {
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<HubSort>('downloads');
  const settled = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Hub</h1>
          <p>GGUF models from Hugging Face, with what each quantization needs on this machine. Downloads resume after a drop or a restart.</p>
        </div>
      </div>
      <SearchBar search={search} sort={sort} onSearch={setSearch} onSort={setSort} />
      <PullList showReadError />
      {settled ? <SearchResults search={settled} sort={sort} /> : <Recommended />}
    </div>
  );
}

export function Hub({ arg }: { arg: string | undefined }) {
  const has = useCapabilities().has;
  if (!has('GET', '/v1/hub/models')) {
    return (
      <div className="page">
        <div className="page-head"><div><h1>Hub</h1></div></div>
        <Unavailable what="The model hub">Import a <code>.gguf</code> file on the <a href={href('models')}>Models</a> page.</Unavailable>
      </div>
    );
  }
  // `owner/repo` (a bare owner is not a repository: back to the search).
  return arg?.includes('/') ? <RepoView key={arg} id={arg} /> : <Browse />;
}
