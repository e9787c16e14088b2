/**
 * The data lifecycle: archive, cleanup, optimize and backup jobs on their schedules, export/import, and the
 * lock on the data folder.
 * Other folders import this domain only through this file.
 */
export { createJobs, createOperations } from './create-lifecycle.js';
export { DataDirInUseError, lockDataDir, type DataDirLock } from './data-dir-lock.js';
