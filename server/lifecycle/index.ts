/**
 * The data lifecycle: archive, cleanup, optimize and backup jobs on their schedules, export/import, the lock
 * on the data folder, and what to tell the operator when the database cannot be opened.
 * Other folders import this domain only through this file.
 */
export { createJobs, createOperations } from './create-lifecycle.js';
export { DataDirInUseError, lockDataDir, type DataDirLock } from './data-dir-lock.js';
export { explainStoreOpenFailure, UnusableDatabaseError } from './unusable-database-error.js';
