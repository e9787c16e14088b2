/**
 * The model hub domain: searching the Hugging Face Hub for GGUF models, one repository's quantizations with
 * their fit on this machine, and resumable, verified downloads into the models folder (pulls).
 * Other folders import this domain only through this file.
 */
export { createHubServices, type HubDeps } from './create-hub-services.js';
export { HubService, type HubSearch, type HubSort, type ListedRepo, type RepoView } from './hub-service.js';
export { PullService } from './pull-service.js';
export type { MachineProbe } from './machine-probe.js';
export type { Pull, PullStatus } from './pull-object.js';
export { COMPUTE_OVERHEAD_BYTES, FITS_SHARE, kvCacheBytes, modelFit } from './model-fit.js';
export { groupQuantizations, quantizationOf } from './quantizations.js';
export { parseGgufShape } from './remote-gguf-header.js';
