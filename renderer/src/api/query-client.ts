/**
 * The dashboard's TanStack Query settings. main.tsx creates the one client of the app with this, and every
 * component test creates its own, so no cache outlives its app or its test.
 */
import { QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // A failed call is shown at once with the server's message (retrying a 4xx would only delay it), and a
      // page refreshes its data when it is opened or changed, not on every switch back to the window.
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
