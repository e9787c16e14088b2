/**
 * The data lifecycle: archive, cleanup, optimize and backup jobs on their schedules, export/import, and
 * the claim on the data folder.
 * Other folders import this domain only through this file.
 */
export { createJobs, createOperations } from './create-lifecycle.js';
export { claimDataDir } from './data-dir-claim.js';
