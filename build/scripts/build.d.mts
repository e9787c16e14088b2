// Types for build.mjs (used by the end-to-end tests' setup).
export function build(): void;
export function buildRenderer(): void;
