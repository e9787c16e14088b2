/** Search results: one row per repository, its name linking to its page with the quantizations. */
import { repoHref, type HubRepo } from '../../api/hub.js';
import { compact, day } from './format.js';
import { RepoBadges } from './RepoBadges.js';

/** The repository part of `owner/repo` (the owner is shown on its own, muted). */
const shortName = (id: string) => id.slice(id.indexOf('/') + 1);

export function RepoTable({ repos, label }: { repos: HubRepo[]; label: string }) {
  return (
    <div className="table-wrap">
      <table aria-label={label} className="hub-table">
        <thead>
          <tr><th>Repository</th><th>Author</th><th className="num">Downloads</th><th className="num">Likes</th><th>Updated</th><th>License and access</th></tr>
        </thead>
        <tbody>
          {repos.map((r) => (
            <tr key={r.id}>
              <td className="hub-repo-cell"><a href={repoHref(r.id)} title={r.id}>{shortName(r.id)}</a></td>
              <td className="hub-author">{r.author}</td>
              <td className="num">{compact(r.downloads)}</td>
              <td className="num">{compact(r.likes)}</td>
              <td>{day(r.updated_at)}</td>
              <td><RepoBadges repo={r} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
