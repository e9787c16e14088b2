/**
 * Settings: the account, API keys (create — the secret is shown once —, copy, revoke), LAN access and, for an
 * admin, every server option (settings/ServerSettings.tsx).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ApiKeyCreated, ApiKeyInfo } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { isAdminRole } from '../api/team.js';
import { AccountCard } from '../components/AccountCard.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote, Unavailable } from '../components/Notes.js';
import { RevokeButton } from '../components/RevokeButton.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { when } from '../lib/format.js';
import { ServerSettings } from './settings/ServerSettings.js';

function NewKey({ created, onDone }: { created: ApiKeyCreated; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(created.key);
    setCopied(true);
  };
  return (
    <div className="note new-key" role="status" aria-label="New API key">
      <strong>Copy the key “{created.name}” now: it is not shown again.</strong>
      <div className="secret">
        <code data-testid="new-key">{created.key}</code>
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
        <button type="button" onClick={onDone}>Done</button>
      </div>
      <div className="stat-detail wrap">
        Use it as <code>Authorization: Bearer {created.prefix}…</code> with any OpenAI client and base URL <code>{window.location.origin}/v1</code>.
      </div>
    </div>
  );
}

function KeyRow({ k, onRevoke }: { k: ApiKeyInfo; onRevoke(): void }) {
  return (
    <tr>
      <td>{k.name}</td>
      <td className="mono">{k.prefix}…{k.suffix}</td>
      <td>{when(k.created_at)}</td>
      <td>{k.last_used_at ? when(k.last_used_at) : 'never'}</td>
      <td>{k.expires_at ? when(k.expires_at) : 'never'}</td>
      <td className="num">
        <RevokeButton label={`Revoke ${k.name}`} onRevoke={onRevoke} />
      </td>
    </tr>
  );
}

function ApiKeys() {
  const api = useApi();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: queryKeys.apiKeys, queryFn: () => api.keys.list() });
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  /** The new key with its secret, shown once until "Done". */
  const [created, setCreated] = useState<ApiKeyCreated>();
  const changed = () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
  const create = useMutation({
    // The secret is not kept in the mutation cache once this card is gone.
    gcTime: 0,
    mutationFn: (input: { name: string; expiresInDays?: number }) => api.keys.create(input.name, input.expiresInDays),
    onSuccess: (key) => {
      setCreated(key);
      setName('');
      setDays('');
      return changed();
    },
  });
  const done = () => {
    setCreated(undefined);
    create.reset();
  };
  const revoke = useMutation({ mutationFn: (id: string) => api.keys.revoke(id), onSuccess: changed });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), expiresInDays: days ? Number(days) : undefined });
  };
  return (
    <Card title="API keys" hint="for apps and SDKs; hashed on the server" span={12}>
      <form className="row form-row" onSubmit={submit}>
        <label className="grow key-name">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. my-script" maxLength={120} required />
        </label>
        <label className="key-days">
          Expires after (days)
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" />
        </label>
        <button type="submit" className="primary" disabled={!name.trim()}>Create key</button>
      </form>
      {created && <NewKey created={created} onDone={done} />}
      <ErrorNote error={keys.error ?? create.error ?? revoke.error} />
      {keys.data && keys.data.items.length === 0 ? (
        <EmptyState title="No API keys yet">Create one to let an app call <code>{window.location.origin}/v1</code>.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table aria-label="API keys">
            <thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th>Expires</th><th className="num">Actions</th></tr></thead>
            <tbody>{(keys.data?.items ?? []).map((k) => <KeyRow key={k.id} k={k} onRevoke={() => revoke.mutate(k.id)} />)}</tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function LanAccess() {
  const api = useApi();
  const queryClient = useQueryClient();
  const lan = useQuery({ queryKey: queryKeys.lan, queryFn: () => api.lan.get() });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.lan.set(enabled),
    // Read back also after a failure: the switch shows what the server has, not what was asked.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.lan }),
  });
  const status = lan.data;
  return (
    <Card title="LAN access" hint="let other machines on your network use this server" span={12}>
      <label className="inline">
        <input type="checkbox" role="switch" checked={status?.enabled ?? false} disabled={!status || toggle.isPending} onChange={(e) => toggle.mutate(e.target.checked)} />
        {status?.enabled ? 'On: reachable from the local network (API keys required)' : 'Off: this machine only'}
      </label>
      <ErrorNote error={lan.error ?? toggle.error} />
      {status && (
        <table className="facts">
          <tbody>
            <tr><th scope="row">This machine</th><td className="mono">{status.local_url}</td></tr>
            <tr>
              <th scope="row">From the LAN</th>
              <td className="mono wrap">{status.lan_urls.length > 0 ? status.lan_urls.join('  ·  ') : '—'}</td>
            </tr>
            <tr><th scope="row">Listening on</th><td className="mono">{status.host}:{status.port}</td></tr>
            <tr><th scope="row">Guest login</th><td>{status.guest_login ? 'on' : 'off'}</td></tr>
          </tbody>
        </table>
      )}
      {status?.enabled && <div className="stat-detail wrap">Give each teammate an API key (above) to use with the LAN address.</div>}
    </Card>
  );
}

export function Settings() {
  const api = useApi();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => api.me() });
  const capabilities = useCapabilities();
  const hasLan = capabilities.has('GET', '/v1/admin/lan') && isAdminRole(me.data?.role);
  const hasOptions = capabilities.has('GET', '/v1/admin/settings') && isAdminRole(me.data?.role);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>{me.data ? `Signed in as ${me.data.name} (${me.data.role}, via ${me.data.auth_method})` : ' '}</p>
        </div>
      </div>
      <div className="grid">
        <AccountCard />
        <ApiKeys />
        {hasLan ? <LanAccess /> : !isAdminRole(me.data?.role) ? null : <Card title="LAN access" span={12}><Unavailable what="Switching LAN access from here">Start the server with <code>JAN_HOST=0.0.0.0</code> instead.</Unavailable></Card>}
        {hasOptions ? (
          <ServerSettings />
        ) : (
          me.data && (
            <Card title="Server options" span={12}>
              <p className="stat-detail wrap">Only an admin sees and changes the server's options. They are also set with environment variables or flags (see the README).</p>
            </Card>
          )
        )}
      </div>
    </div>
  );
}
