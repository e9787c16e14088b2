/** The first screen without typing: the curated list the server ships, grouped by what the models are for. */
import { useQuery } from '@tanstack/react-query';
import { hubKeys, repoHref, useHub, type RecommendedKind, type RecommendedRepo } from '../../api/hub.js';
import { Card } from '../../components/Card.js';
import { compact } from './format.js';
import { HubError } from './HubError.js';
import { RepoBadges } from './RepoBadges.js';

const KINDS: { kind: RecommendedKind; title: string; hint: string }[] = [
  { kind: 'instruct', title: 'Chat and instructions', hint: 'general assistants' },
  { kind: 'coder', title: 'Code', hint: 'completion and code chat' },
  { kind: 'embedding', title: 'Embeddings', hint: 'for /v1/embeddings and search' },
];

function RecommendedItem({ r }: { r: RecommendedRepo }) {
  return (
    <li className="hub-pick">
      {/* Owner above name: the full id rarely fits one line of a card. */}
      <a className="hub-pick-name" href={repoHref(r.id)} aria-label={r.id}>
        <span className="hub-pick-owner">{r.id.slice(0, r.id.indexOf('/') + 1)}</span>
        <span>{r.id.slice(r.id.indexOf('/') + 1)}</span>
      </a>
      <p>{r.note}</p>
      <div className="hub-pick-foot">
        {/* Offline the server knows only the shipped list: no figures rather than zeros. */}
        <span className="stat-detail">{r.downloads > 0 || r.likes > 0 ? `${compact(r.downloads)} downloads · ${compact(r.likes)} likes` : ''}</span>
        <RepoBadges repo={{ gated: r.gated, license: r.license }} />
      </div>
    </li>
  );
}

export function Recommended() {
  const hub = useHub();
  const query = useQuery({ queryKey: hubKeys.recommended, queryFn: () => hub.recommended() });
  if (query.error) return <HubError error={query.error} prefix="The recommended models could not be read" />;
  if (!query.data) return <div className="card" aria-busy="true">Loading the recommended models…</div>;
  const list = query.data.data;
  return (
    <>
      {KINDS.map(({ kind, title, hint }) => {
        const group = list.filter((r) => r.kind === kind);
        if (group.length === 0) return null;
        return (
          <Card key={kind} title={title} hint={hint}>
            <ul className="hub-picks" aria-label={title}>{group.map((r) => <RecommendedItem key={r.id} r={r} />)}</ul>
          </Card>
        );
      })}
    </>
  );
}
