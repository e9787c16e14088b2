// Paths in the build scripts, right on Windows as on macOS and Linux: file URLs to paths and back with node:url
// (never `URL.pathname` or `file://${path}`, which give `/C:/…` and `file://C:\…` on Windows and break on
// folders with spaces), `import()` of a path through a file URL (an absolute Windows path is no valid
// specifier), and archive paths with `/` whatever the OS. `windows` and `p` are for tests.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const onWindows = process.platform === 'win32';

/** The path `relative` to a module's URL (`'../..'` from build/scripts/ is the repository). */
export function pathFromUrl(relative, moduleUrl, windows = onWindows) {
  return fileURLToPath(new URL(relative, moduleUrl), { windows });
}

/** Whether the module at `moduleUrl` is the script Node was started with (`node build/scripts/x.mjs`). */
export function isMain(moduleUrl, argv1 = process.argv[1], windows = onWindows) {
  if (argv1 === undefined) return false;
  let file = argv1;
  try {
    file = realpathSync(argv1); // Node runs the main module from its real path (symlinks resolved)
  } catch {
    // not on this machine (another OS's path in a test): compare as given
  }
  return moduleUrl === pathToFileURL(file, { windows }).href;
}

/** What `import()` takes for a file path: its file URL. */
export function importSpecifier(file, windows = onWindows) {
  return pathToFileURL(file, { windows }).href;
}

/** A path with `/` between its parts, whatever the OS's separator. */
export function toSlashes(file, p = path) {
  return file.split(p.sep).join('/');
}

/** `file` under `base` as `/a/b/c` (how the packaging check names files of the packed app). */
export function slashPath(base, file, p = path) {
  return `/${toSlashes(p.relative(base, file), p)}`;
}
