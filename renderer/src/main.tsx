import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/index.js';
import { createQueryClient } from './api/query-client.js';
import { App } from './App.js';
import { forgetLegacyApiKey } from './pages/Login.js';
import './styles.css';

// The app's one Api and one query cache, made here and handed down (no module singletons). The dashboard is
// logged in by its session cookie only (see Login), so the Api holds no key.
forgetLegacyApiKey();
const api = createApi();
const queryClient = createQueryClient();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App api={api} />
    </QueryClientProvider>
  </StrictMode>,
);
