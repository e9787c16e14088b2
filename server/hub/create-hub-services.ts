/** Wires the hub (search, repository views, pulls) for createServices. */
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { HubClient } from './hub-client.js';
import { HubService } from './hub-service.js';
import { systemMachineProbe, type MachineProbe } from './machine-probe.js';
import { PullService } from './pull-service.js';

export interface HubDeps {
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Free RAM and disk; tests pass their own. */
  machine?: MachineProbe;
}

export function createHubServices(store: Store, config: Config, deps: HubDeps = {}) {
  const client = new HubClient({ endpoint: config.hfEndpoint, token: config.hfToken, allow: config.hubAllow, stallTimeoutMs: config.hubTimeoutMs });
  const hub = new HubService({
    enabled: config.hub, client, machine: deps.machine ?? systemMachineProbe(), modelsDir: config.modelsDir,
    contextSize: config.contextSize, parallel: config.parallel,
  });
  const pulls = new PullService({ pulls: store.modelPulls, hub, modelsDir: config.modelsDir, maxConcurrent: config.hubMaxPulls, ...(deps.logger && { logger: deps.logger }) });
  return { hub, pulls };
}
