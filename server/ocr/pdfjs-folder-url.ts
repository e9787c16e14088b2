import path from 'node:path';

/**
 * A pdf.js data folder (fonts, cmaps, wasm) as pdf.js wants it: with a trailing `/`. `join(root, 'x/')` would
 * end in a backslash on Windows, which pdf.js refuses ("must include trailing slash"), so the slash is added
 * after joining; Windows file APIs take the mixed separators.
 */
export function pdfjsFolderUrl(root: string, name: string, p: Pick<typeof path, 'join'> = path): string {
  return `${p.join(root, name)}/`;
}
