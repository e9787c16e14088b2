import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/index.js';
import { App } from './App.js';
import { storedApiKey } from './pages/Login.js';
import './styles.css';

const api = createApi({ apiKey: storedApiKey });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
