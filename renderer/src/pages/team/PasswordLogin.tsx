/**
 * Logging in with a name and password (team members; the owner too once they have set one). The server
 * answers with the same HttpOnly session cookie as the other ways in. Too many wrong guesses are refused for
 * a while (429): the server's message says how long.
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, type Api } from '../../api/index.js';
import { teamApi } from '../../api/team.js';

function loginError(error: Error): string {
  if (error instanceof ApiError && error.status === 401) return 'That name and password do not match an active account.';
  if (error instanceof ApiError && error.status === 429) return `Too many attempts. ${error.message}`;
  return `Could not log in: ${error.message}`;
}

export function PasswordLogin({ api, onLogin }: { api: Api; onLogin(): void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    gcTime: 0,
    mutationFn: () => teamApi(api).auth.login(name.trim(), password),
    onSuccess: () => {
      setPassword('');
      onLogin();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !password || login.isPending) return;
    login.mutate();
  };
  return (
    <form onSubmit={submit} className="team-password-login" aria-label="Log in with your name and password">
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" maxLength={60} />
      </label>
      <label>
        Password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || !password || login.isPending}>Sign in</button>
      {login.error && <div className="error-note" role="alert">{loginError(login.error)}</div>}
    </form>
  );
}
