/**
 * Settings: every config option shown with where its value comes from (flag > env > saved > default), an
 * admin's changes validated by the config schema and saved in SQLite, live ones applied at once.
 * Other folders import this domain only through this file.
 */
export { SettingsService, type SavedSettingsStore, type SettingsServiceOptions } from './settings-service.js';
export { LIVE_APPLIERS, applyLive, isLiveKey, type LiveTargets } from './live-settings.js';
