/**
 * Every server option, grouped as the README and `--help` group them, editable by an admin: saved in the server's
 * database and checked by the same schema as the environment variables. Live options apply at once; the others
 * wait for a restart, which the desktop app performs ("Restart now") and `npm start` leaves to the operator.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../../api/http.js';
import { settingsKeys, useSettingsApi, type Setting, type SettingInput, type SettingsList } from '../../api/settings.js';
import { Card } from '../../components/Card.js';
import { ErrorNote } from '../../components/Notes.js';
import { SettingRow } from './SettingRow.js';

function RestartBanner({ list }: { list: SettingsList }) {
  const api = useSettingsApi();
  const queryClient = useQueryClient();
  const restart = useMutation({
    mutationFn: () => api.restart(),
    // The server comes back on the same port; reading the list again shows the new values once it answers.
    onSuccess: () => setTimeout(() => void queryClient.invalidateQueries({ queryKey: settingsKeys.all }), 3000),
  });
  const names = list.data.filter((s) => s.pending_restart).map((s) => s.name);
  return (
    <div className="note restart-banner" role="status" aria-label="Restart required">
      <strong>Restart required</strong> to apply {names.join(', ')}.{' '}
      {list.restart_available ? (
        restart.isSuccess ? (
          <span>Restarting… the page reconnects when the server is back.</span>
        ) : (
          <button type="button" className="primary" disabled={restart.isPending} onClick={() => restart.mutate()}>Restart now</button>
        )
      ) : (
        <span>Restart the server to apply them (it was started from a terminal: stop it with Ctrl-C and run it again).</span>
      )}
      <ErrorNote error={restart.error} />
    </div>
  );
}

export function ServerSettings() {
  const api = useSettingsApi();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: settingsKeys.all, queryFn: () => api.list() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: ({ name, value }: { name: string; value: SettingInput }) => api.save({ [name]: value }),
    onMutate: ({ name }) => setErrors(({ [name]: _gone, ...rest }) => rest),
    onSuccess: (answer) => queryClient.setQueryData(settingsKeys.all, answer),
    onError: (error, { name }) => setErrors((all) => ({ ...all, [name]: error instanceof ApiError ? error.message : String(error) })),
  });
  const groups = useMemo(() => {
    const byGroup = new Map<string, Setting[]>();
    for (const s of list.data?.data ?? []) byGroup.set(s.group, [...(byGroup.get(s.group) ?? []), s]);
    return [...byGroup];
  }, [list.data]);
  return (
    <>
      <Card title="Server options" hint="flag > environment > saved here > default" span={12}>
        <p className="stat-detail wrap">
          Saved in the server's database and checked like the environment variables. <strong>live</strong> options apply at once;
          the others when the server starts. A value set by a flag or an environment variable wins and is read-only here.
        </p>
        {list.data?.restart_required && <RestartBanner list={list.data} />}
        <ErrorNote error={list.error} />
      </Card>
      {groups.map(([group, settings]) => (
        <Card key={group} title={group} span={12}>
          <div className="table-wrap">
            <table className="settings-table" aria-label={group}>
              <thead><tr><th>Option</th><th>What it does</th><th>Value</th><th>Source</th></tr></thead>
              <tbody>
                {settings.map((s) => (
                  <SettingRow key={s.name} setting={s} busy={save.isPending} error={errors[s.name]} onSave={(name, value) => save.mutate({ name, value })} />
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ))}
    </>
  );
}
