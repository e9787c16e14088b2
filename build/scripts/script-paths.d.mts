// Types for script-paths.mjs (used by test/unit/paths-build-scripts.test.ts).
import type { PlatformPath } from 'node:path';
export function pathFromUrl(relative: string, moduleUrl: string, windows?: boolean): string;
export function isMain(moduleUrl: string, argv1?: string, windows?: boolean): boolean;
export function importSpecifier(file: string, windows?: boolean): string;
export function toSlashes(file: string, p?: PlatformPath): string;
export function slashPath(base: string, file: string, p?: PlatformPath): string;
