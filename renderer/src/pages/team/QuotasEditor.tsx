/**
 * One member's limits. A blank field is "unlimited" (null on the wire); the server applies a change at once,
 * without a restart. Storage is typed in MB and sent in bytes.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { teamKeys, type Member, type Quotas } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { ErrorNote } from '../../components/Notes.js';
import { useTeamApi } from './use-team.js';

const MB = 1024 * 1024;

const FIELDS: { key: keyof Quotas; label: string; unit: string; scale: number }[] = [
  { key: 'requests_per_minute', label: 'Requests per minute', unit: '/min', scale: 1 },
  { key: 'tokens_per_day', label: 'Generated tokens per day', unit: 'tokens', scale: 1 },
  { key: 'concurrent_streams', label: 'Concurrent streams', unit: 'streams', scale: 1 },
  { key: 'storage_bytes', label: 'Storage (MB)', unit: 'MB', scale: MB },
];

type Draft = Record<keyof Quotas, string>;

function toDraft(quotas: Quotas): Draft {
  const draft = {} as Draft;
  for (const f of FIELDS) {
    const v = quotas[f.key];
    draft[f.key] = v === null || v === undefined ? '' : String(Math.round((v / f.scale) * 100) / 100);
  }
  return draft;
}

/** The draft as quotas, or why the first field that is not a valid limit is not. */
export function parseDraft(draft: Draft): { quotas: Quotas } | { error: string } {
  const quotas = {} as Quotas;
  for (const f of FIELDS) {
    const text = draft[f.key].trim();
    if (text === '') {
      quotas[f.key] = null;
      continue;
    }
    // The server takes whole numbers from 1 up (no limit is null, not 0); storage may be typed as 1.5 MB.
    const n = Number(text);
    const value = Math.round(n * f.scale);
    if (!Number.isFinite(n) || (f.scale === 1 && !Number.isInteger(n)) || value < 1) {
      return { error: `${f.label}: ${f.scale === 1 ? 'a whole number' : 'a number'} above 0, or blank for unlimited.` };
    }
    quotas[f.key] = value;
  }
  return { quotas };
}

function Form({ member, initial, onClose }: { member: Member; initial: Quotas; onClose(): void }) {
  const team = useTeamApi();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [invalid, setInvalid] = useState<string>();
  const save = useMutation({
    mutationFn: (quotas: Quotas) => team.members.setQuotas(member.id, quotas),
    onSuccess: (saved) => {
      queryClient.setQueryData(teamKeys.quotas(member.id), saved);
      return queryClient.invalidateQueries({ queryKey: teamKeys.audit });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDraft(draft);
    if ('error' in parsed) return setInvalid(parsed.error);
    setInvalid(undefined);
    save.mutate(parsed.quotas);
  };
  return (
    <form onSubmit={submit} aria-label={`Quotas of ${member.name}`}>
      <div className="team-quotas">
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              inputMode="numeric"
              value={draft[f.key]}
              placeholder="unlimited"
              onChange={(e) => { setDraft({ ...draft, [f.key]: e.target.value }); save.reset(); }}
            />
          </label>
        ))}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>Save quotas</button>
        <button type="button" onClick={onClose}>Close</button>
        {save.isSuccess && <span className="badge" data-state="ok" role="status">Saved; applies now</span>}
      </div>
      {invalid && <div className="error-note" role="alert">{invalid}</div>}
      <ErrorNote error={save.error} />
    </form>
  );
}

export function QuotasEditor({ member, onClose }: { member: Member; onClose(): void }) {
  const team = useTeamApi();
  const quotas = useQuery({ queryKey: teamKeys.quotas(member.id), queryFn: () => team.members.quotas(member.id) });
  return (
    <Card title={`Quotas of ${member.name}`} hint="blank = unlimited; over a limit the API answers 429 (507 for storage)" span={12}>
      <ErrorNote error={quotas.error} />
      {quotas.data && <Form key={member.id} member={member} initial={quotas.data} onClose={onClose} />}
    </Card>
  );
}
