/**
 * Error messages from llama.cpp, node-llama-cpp and the file system name the model file by its full path,
 * spelled as given, resolved to absolute (node-llama-cpp resolves it), or with `/` on Windows (llama.cpp
 * logs). Clients see the file name only, never the server's folders.
 */
import path from 'node:path';

/** `message` with every spelling of `file`'s path replaced by its base name; `p` is the path flavour. */
export function withoutFolder(message: string, file: string, p: path.PlatformPath = path): string {
  const name = p.basename(file);
  const absolute = p.resolve(file);
  const spellings = new Set([absolute, p.normalize(file), file]);
  if (p.sep === '\\') for (const spelling of [...spellings]) spellings.add(spelling.replaceAll('\\', '/'));
  return [...spellings]
    .filter((spelling) => spelling !== '' && spelling !== name)
    .sort((a, b) => b.length - a.length) // longest first: an absolute path contains the relative one
    .reduce((text, spelling) => text.replaceAll(spelling, name), message);
}
