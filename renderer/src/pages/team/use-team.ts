/** The team calls bound to the app's one Api, and who is logged in (for what an admin sees). */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { queryKeys } from '../../api/query-keys.js';
import { isAdminRole, teamApi, type TeamApi } from '../../api/team.js';
import { useApi } from '../../hooks/api-context.js';

export function useTeamApi(): TeamApi {
  const api = useApi();
  return useMemo(() => teamApi(api), [api]);
}

/** The logged-in user (the same `me` query the other pages read), and whether they manage the team. */
export function useMe() {
  const api = useApi();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => api.me() });
  return { me: me.data, admin: isAdminRole(me.data?.role) };
}
