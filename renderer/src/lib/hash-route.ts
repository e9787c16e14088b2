/** Hash routing (`#/sla`): the server serves one page at `/`, and a reload keeps the page the user was on. */
import { useEffect, useState } from 'react';

export const PAGES = ['overview', 'sla', 'chat', 'conversations', 'models', 'hub', 'media', 'settings', 'team'] as const;
export type PageId = (typeof PAGES)[number];

export interface Route {
  page: PageId;
  /** What follows the page, e.g. a conversation id in `#/chat/conv_…`. */
  arg: string | undefined;
}

export function parseHash(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = (PAGES as readonly string[]).includes(page ?? '');
  return { page: known ? (page as PageId) : 'overview', arg: known && rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined };
}

export function href(page: PageId, arg?: string): string {
  return `#/${page}${arg ? `/${encodeURIComponent(arg)}` : ''}`;
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
