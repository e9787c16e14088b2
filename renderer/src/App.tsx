/**
 * The app: find out who we are (the session cookie) and what the server offers, then the shell with
 * its pages. The Overview is in the first bundle; every other page loads when first opened.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ComponentType } from 'react';
import { ApiError, type Api } from './api/index.js';
import { queryKeys } from './api/query-keys.js';
import { isAdminRole } from './api/team.js';
import { Icon, type IconName } from './components/Icon.js';
import { PageBoundary } from './components/PageBoundary.js';
import { ApiProvider, useApi } from './hooks/api-context.js';
import { KpiProvider, useKpi } from './hooks/use-kpi.js';
import { ThemeContext, useTheme, type Theme } from './hooks/use-theme.js';
import { href, useHashRoute, type PageId } from './lib/hash-route.js';
import type { KpiState } from './lib/kpi-store.js';
import { Invite, invitationCode } from './pages/Invite.js';
import { Login } from './pages/Login.js';
import { Overview } from './pages/Overview.js';

const pages: Record<PageId, ComponentType<{ arg: string | undefined }>> = {
  overview: Overview,
  sla: lazy(() => import('./pages/Sla.js').then((m) => ({ default: m.Sla }))),
  chat: lazy(() => import('./pages/Chat.js').then((m) => ({ default: m.Chat }))),
  conversations: lazy(() => import('./pages/Conversations.js').then((m) => ({ default: m.Conversations }))),
  models: lazy(() => import('./pages/Models.js').then((m) => ({ default: m.Models }))),
  hub: lazy(() => import('./pages/Hub.js').then((m) => ({ default: m.Hub }))),
  media: lazy(() => import('./pages/Media.js').then((m) => ({ default: m.Media }))),
  settings: lazy(() => import('./pages/Settings.js').then((m) => ({ default: m.Settings }))),
  team: lazy(() => import('./pages/Team.js').then((m) => ({ default: m.Team }))),
};

/** `adminOnly` pages are left out of a member's navigation (the server refuses their calls with 403 anyway). */
const NAV: { page: PageId; label: string; icon: IconName; adminOnly?: true }[] = [
  { page: 'overview', label: 'Overview', icon: 'overview' },
  { page: 'sla', label: 'SLA', icon: 'sla', adminOnly: true },
  { page: 'chat', label: 'Chat', icon: 'chat' },
  { page: 'conversations', label: 'Conversations', icon: 'conversations' },
  { page: 'models', label: 'Models', icon: 'models' },
  { page: 'hub', label: 'Hub', icon: 'hub' },
  { page: 'media', label: 'Media', icon: 'media' },
  { page: 'settings', label: 'Settings', icon: 'settings' },
  { page: 'team', label: 'Team', icon: 'team', adminOnly: true },
];

const selectLive = (s: KpiState) => s.live;
const selectAvailable = (s: KpiState) => s.available;

const HEALTH_POLL_MS = 5_000;
const DEGRADED_REASONS: Record<string, string> = { disk_full: 'disk full' };

/**
 * The server's health when it is not ok: `degraded` with its reasons (a full disk, limits over their soft
 * figures) or `unavailable`. Polled, so it appears when a write first fails for lack of space and goes when
 * the server has found room again; nothing shows while all is well.
 */
function HealthBadge() {
  const api = useApi();
  const { data } = useQuery({ queryKey: queryKeys.health, queryFn: () => api.health(), refetchInterval: HEALTH_POLL_MS });
  if (!data || data.status === 'ok') return null;
  const reasons = (data.degraded_reasons ?? []).map((reason) => DEGRADED_REASONS[reason] ?? reason.replaceAll('_', ' '));
  return (
    <span className="badge" data-state="bad" role="status">
      {data.status === 'degraded' ? `Degraded${reasons.length > 0 ? `: ${reasons.join(', ')}` : ''}` : 'Unavailable'}
    </span>
  );
}

/** Re-renders when the stream connects or drops, not on every snapshot. */
function LiveDot() {
  const live = useKpi(selectLive);
  const available = useKpi(selectAvailable);
  if (!available) return null;
  return (
    <span className="row live-status">
      <span className="dot" data-live={live} aria-hidden="true" />
      <span className="label">{live ? 'Live' : 'Reconnecting…'}</span>
    </span>
  );
}

function Shell({ theme, toggleTheme, version, admin, onLogout }: { theme: Theme; toggleTheme(): void; version: string; admin: boolean; onLogout(): void }) {
  const route = useHashRoute();
  const Page = pages[route.page];
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">J</div>
          <span>Jan Server<small>v{version}</small></span>
        </div>
        <div className="nav">
          {NAV.filter((item) => admin || !item.adminOnly).map((item) => (
            <a key={item.page} href={href(item.page)} aria-current={route.page === item.page ? 'page' : undefined} title={item.label}>
              <Icon name={item.icon} />
              <span>{item.label}</span>
            </a>
          ))}
        </div>
        <div className="sidebar-foot">
          <HealthBadge />
          <LiveDot />
          <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            <span className="label">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
          </button>
          <button type="button" className="ghost" onClick={onLogout}><span className="label">Log out</span></button>
        </div>
      </nav>
      <main className="main">
        <PageBoundary key={route.page}>
          <Suspense fallback={<div className="page" aria-busy="true">Loading…</div>}>
            <Page arg={route.arg} />
          </Suspense>
        </PageBoundary>
      </main>
    </div>
  );
}

/** Who we are and what the server offers; `in: false` (not an error) when there is no session. */
async function loadSession(api: Api) {
  try {
    const me = await api.me();
    const [capabilities, health] = await Promise.all([api.capabilities(isAdminRole(me.role)), api.health()]);
    return { in: true as const, me, capabilities, health };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    return { in: false as const };
  }
}

/**
 * The app; main.tsx (or a test) wraps it in the QueryClientProvider of its one QueryClient. At `/invite/<code>`
 * (served by the server with the same index.html) it is the invitation page, no login needed, until the
 * invitation is accepted; then the address becomes `/` and the dashboard loads with the new session.
 */
export function App({ api }: { api: Api }) {
  const [code, setCode] = useState(() => invitationCode(window.location.pathname));
  if (code === undefined) return <Dashboard api={api} />;
  const accepted = () => {
    window.history.replaceState(null, '', '/');
    setCode(undefined);
  };
  return <InviteApp api={api} code={code} onAccepted={accepted} />;
}

function InviteApp({ api, code, onAccepted }: { api: Api; code: string; onAccepted(): void }) {
  const [theme] = useTheme();
  const queryClient = useQueryClient();
  // Whatever an earlier session of this browser loaded must not show for the new account.
  const done = () => {
    queryClient.removeQueries();
    onAccepted();
  };
  return <ThemeContext.Provider value={theme}><Invite api={api} code={code} onAccepted={done} /></ThemeContext.Provider>;
}

function Dashboard({ api }: { api: Api }) {
  const [theme, toggleTheme] = useTheme();
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: queryKeys.session, queryFn: () => loadSession(api) });
  const again = () => session.refetch();

  let body;
  if (session.error) {
    body = (
      <main className="login">
        <div className="error-note" role="alert">The server did not answer: {session.error.message}</div>
        <button type="button" className="retry" onClick={() => void again()}>Try again</button>
      </main>
    );
  } else if (!session.data) {
    body = <main className="login" aria-busy="true" />;
  } else if (!session.data.in) {
    body = <Login api={api} onLogin={() => void again()} />;
  } else {
    const { capabilities, health, me } = session.data;
    const logout = async () => {
      await api.logout().catch(() => undefined);
      await again();
      // Whatever the previous user's pages fetched must not show for the next login.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
    };
    body = (
      <ApiProvider api={api} capabilities={capabilities}>
        <KpiProvider admin={isAdminRole(me.role)}>
          <Shell theme={theme} toggleTheme={toggleTheme} version={health.version} admin={isAdminRole(me.role)} onLogout={() => void logout()} />
        </KpiProvider>
      </ApiProvider>
    );
  }
  return <ThemeContext.Provider value={theme}>{body}</ThemeContext.Provider>;
}
