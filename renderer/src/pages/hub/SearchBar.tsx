/** The hub's search box and sort order; the page debounces what is typed before it searches. */
import type { HubSort } from '../../api/hub.js';

const SORTS: { value: HubSort; label: string }[] = [
  { value: 'downloads', label: 'Most downloaded' },
  { value: 'likes', label: 'Most liked' },
  { value: 'updated', label: 'Recently updated' },
];

export function SearchBar({ search, sort, onSearch, onSort }: { search: string; sort: HubSort; onSearch(s: string): void; onSort(s: HubSort): void }) {
  return (
    <form className="row form-row hub-search" role="search" onSubmit={(e) => e.preventDefault()}>
      <label className="grow">
        Search GGUF models on Hugging Face
        <input type="search" value={search} onChange={(e) => onSearch(e.target.value)} placeholder="qwen, llama 3.2, coder, embed…" autoComplete="off" spellCheck={false} />
      </label>
      <label>
        Sort by
        <select value={sort} onChange={(e) => onSort(e.target.value as HubSort)}>
          {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </label>
    </form>
  );
}
