/** One repository: what its GGUF header says, its quantizations with their fit, and one-click download. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { hubKeys, useHub, type HubList, type HubMetadata, type Pull } from '../../api/hub.js';
import { ApiError } from '../../api/index.js';
import { Card } from '../../components/Card.js';
import { EmptyState } from '../../components/Notes.js';
import { PullList, usePulls } from '../../components/PullList.js';
import { bytes, count, DASH } from '../../lib/format.js';
import { href } from '../../lib/hash-route.js';
import { compact, day } from './format.js';
import { HubError } from './HubError.js';
import { QuantTable } from './QuantTable.js';
import { RepoBadges } from './RepoBadges.js';

const FACTS: { key: keyof HubMetadata; label: string }[] = [
  { key: 'architecture', label: 'Architecture' },
  { key: 'block_count', label: 'Layers' },
  { key: 'head_count', label: 'Attention heads' },
  { key: 'head_count_kv', label: 'KV heads' },
  { key: 'embedding_length', label: 'Embedding length' },
  { key: 'context_length', label: 'Context length' },
];

function Facts({ metadata }: { metadata: HubMetadata | null }) {
  if (!metadata) return <p className="stat-detail wrap">The GGUF header could not be read, so the memory figures below are estimated from the file sizes.</p>;
  return (
    <dl className="hub-facts">
      {FACTS.map(({ key, label }) => {
        const value = metadata[key];
        return (
          <div key={key}>
            <dt>{label}</dt>
            <dd>{value === null ? DASH : typeof value === 'number' ? count(value) : value}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export function RepoView({ id }: { id: string }) {
  const hub = useHub();
  const queryClient = useQueryClient();
  const repo = useQuery({ queryKey: hubKeys.repo(id), queryFn: () => hub.repo(id) });
  const pulls = usePulls();
  const start = useMutation({
    mutationFn: (quantization: string) => hub.pull(id, quantization),
    onSuccess: (pull) => {
      // Shown at once; the poll (which starts now that a pull is active) takes it from here.
      queryClient.setQueryData<HubList<Pull>>(hubKeys.pulls, (old) => ({ object: 'list', data: [...(old?.data ?? []).filter((p) => p.id !== pull.id), pull] }));
      return queryClient.invalidateQueries({ queryKey: hubKeys.pulls });
    },
  });
  const d = repo.data;
  // Pulls are an admin's: a member's read of them is refused, and so would a download be.
  const forbidden = pulls.error instanceof ApiError && pulls.error.status === 403;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <a className="hub-back" href={href('hub')}>← Hub</a>
          <h1>{id}</h1>
          {d && (
            <p className="row hub-summary">
              <span>by {d.author} · {compact(d.downloads)} downloads · {compact(d.likes)} likes · updated {day(d.updated_at)}</span>
              <RepoBadges repo={d} />
            </p>
          )}
        </div>
      </div>
      <HubError error={repo.error} prefix="This repository could not be read" />
      <HubError error={start.error} prefix="The download did not start" />
      <PullList />
      {d && (
        <>
          <Card title="Model" hint={`${bytes(d.free_ram_bytes)} memory and ${bytes(d.free_disk_bytes)} disk free now`}>
            <Facts metadata={d.metadata} />
          </Card>
          <Card title="Quantizations" hint="smaller files answer faster and need less memory; larger ones answer better">
            {d.quantizations.length === 0 ? (
              <EmptyState title="No GGUF file in this repository" />
            ) : (
              <QuantTable repo={id} quantizations={d.quantizations} pulls={pulls.data?.data ?? []} freeDisk={d.free_disk_bytes}
                starting={start.isPending ? start.variables : undefined} onDownload={(q) => start.mutate(q)}
                notAllowed={forbidden ? 'Downloads are for admins' : undefined} />
            )}
          </Card>
        </>
      )}
    </div>
  );
}
