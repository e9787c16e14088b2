/**
 * Finds the language data installed as `@tesseract.js-data/<lang>` packages and links them into one folder,
 * because tesseract.js reads every language from a single `langPath`. Nothing is ever downloaded: a
 * language without a package is simply not installed.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The LSTM-only "best int" models: what tesseract.js loads for its default engine mode. */
const MODEL_DIR = '4.0.0_best_int';
const LANGUAGE_CODE = /^[a-z]{3}(_[a-z]+)?$/;

export interface InstalledLanguage {
  code: string;
  /** The gzipped traineddata file. */
  file: string;
}

export function findInstalledLanguages(): InstalledLanguage[] {
  const require = createRequire(import.meta.url);
  let scope: string;
  try {
    // eng is a dependency of the server; other languages are sibling packages in the same scope folder.
    scope = dirname(dirname(require.resolve('@tesseract.js-data/eng/package.json')));
  } catch {
    return [];
  }
  const found: InstalledLanguage[] = [];
  for (const code of readdirSync(scope)) {
    const file = join(scope, code, MODEL_DIR, `${code}.traineddata.gz`);
    if (LANGUAGE_CODE.test(code) && existsSync(file)) found.push({ code, file });
  }
  return found.sort((a, b) => a.code.localeCompare(b.code));
}

/** A folder holding `<code>.traineddata.gz` for each language (symlinks, or copies where links fail). */
export function prepareLangPath(dir: string, languages: readonly InstalledLanguage[]): string {
  mkdirSync(dir, { recursive: true });
  for (const language of languages) {
    const target = join(dir, `${language.code}.traineddata.gz`);
    rmSync(target, { force: true }); // a link from an earlier install may point nowhere now
    try {
      symlinkSync(language.file, target);
    } catch {
      copyFileSync(language.file, target);
    }
  }
  return dir;
}
