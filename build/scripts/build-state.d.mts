// Types for build-state.mjs (used by the end-to-end tests' setup).
export const root: string;
export const entry: string;
export const stamp: string;
export const rendererDir: string;
export const rendererIndex: string;
export const rendererStamp: string;
export function buildIsStale(): boolean;
export function rendererIsStale(): boolean;
