/** Hands every page the one `Api` (and what the server can do) without importing a global. */
import { createContext, useContext, type ReactNode } from 'react';
import type { Api, Capabilities } from '../api/index.js';

const ApiContext = createContext<Api | undefined>(undefined);
const CapabilitiesContext = createContext<Capabilities>({ has: () => false });

export function ApiProvider({ api, capabilities, children }: { api: Api; capabilities?: Capabilities; children: ReactNode }) {
  return (
    <ApiContext.Provider value={api}>
      <CapabilitiesContext.Provider value={capabilities ?? { has: () => false }}>{children}</CapabilitiesContext.Provider>
    </ApiContext.Provider>
  );
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export function useCapabilities(): Capabilities {
  return useContext(CapabilitiesContext);
}
