/**
 * One option: its name and variable, where its value comes from, whether a change applies live, and (when an admin
 * may change it here) an input with Save and "Use default". Read-only rows say why (set by a flag or the
 * environment, needed before the database opens, a secret).
 */
import { useState, type FormEvent } from 'react';
import { displayValue, type Setting, type SettingInput } from '../../api/settings.js';

const SOURCE_TEXT: Record<Setting['source'], string> = { flag: 'flag', env: 'environment', saved: 'saved', default: 'default' };
const LOCK_TEXT: Record<NonNullable<Setting['locked_by']>, (s: Setting) => string> = {
  flag: (s) => `set by ${s.flag}`,
  env: (s) => `set by ${s.env}`,
  not_savable: (s) => `only ${s.env} or ${s.flag}: needed before the database opens`,
  secret: (s) => `secret: only ${s.env} or ${s.flag}, never stored or shown`,
};

export interface SettingRowProps {
  setting: Setting;
  busy: boolean;
  error?: string;
  onSave(name: string, value: SettingInput): void;
}

export function SettingRow({ setting: s, busy, error, onSave }: SettingRowProps) {
  const current = s.saved_value ?? displayValue(s.value);
  const [draft, setDraft] = useState(current);
  const [editedFrom, setEditedFrom] = useState(current);
  // A new value from the server (after a save or a refetch) replaces an untouched draft.
  if (editedFrom !== current && draft === editedFrom) {
    setDraft(current);
    setEditedFrom(current);
  }
  const changed = draft.trim() !== current;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (changed) onSave(s.name, draft.trim());
  };
  const shown = s.secret ? (s.is_set ? 'set' : 'not set') : displayValue(s.value) || '—';
  const label = `${s.name} (${s.env})`;
  return (
    <tr className="setting-row" data-setting={s.name}>
      <th scope="row">
        <div className="setting-name">{s.name}</div>
        <div className="mono hint">{s.env}</div>
      </th>
      <td className="wrap setting-description">{s.description.replaceAll('`', '')}</td>
      <td className="setting-value">
        {s.editable ? (
          <form className="row" onSubmit={submit}>
            {s.choices ? (
              <select aria-label={label} value={draft} onChange={(e) => setDraft(e.target.value)} disabled={busy}>
                {!s.choices.includes(draft) && <option value={draft}>{draft}</option>}
                {s.choices.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            ) : (
              <input aria-label={label} value={draft} onChange={(e) => setDraft(e.target.value)} disabled={busy} spellCheck={false} />
            )}
            <button type="submit" className="primary" disabled={busy || !changed}>Save</button>
            {s.saved_value !== null && (
              <button type="button" disabled={busy} onClick={() => onSave(s.name, null)} title={`Back to the default, ${displayValue(s.default)}`}>
                Use default
              </button>
            )}
          </form>
        ) : (
          <span className="mono">{shown}</span>
        )}
        {s.pending_restart && <div className="hint">runs with {displayValue(s.value) || '—'} until the restart</div>}
        {s.locked_by && <div className="hint">{LOCK_TEXT[s.locked_by](s)}</div>}
        {error && <div className="error-note" role="alert">{error}</div>}
      </td>
      <td>
        <div className="setting-badges">
          <span className="badge" data-state={s.source === 'saved' ? 'ok' : undefined}>{SOURCE_TEXT[s.source]}</span>
          {s.pending_restart ? (
            <span className="badge" data-state="warn">restart required</span>
          ) : (
            <span className="badge">{s.live ? 'live' : 'at start'}</span>
          )}
        </div>
      </td>
    </tr>
  );
}
