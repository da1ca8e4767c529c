// Locating the data folders of npm packages (bundled corpora, TypeScript's lib files) without hard-coding
// node_modules paths: resolution goes through Node's own algorithm, so hoisting and workspaces just work.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { FileFormatError } from '../../util/errors.js';

const require = createRequire(import.meta.url);

/** The folder holding `pkg`'s package.json; a missing package is reported with the install command. */
export function packageDir(pkg: string): string {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new FileFormatError(pkg, 'package', `installed (run \`npm install\`; it is a dependency of llamats)`, 'not found in node_modules');
  }
}

/** Like packageDir, but null when the package is absent (optional sources). */
export function optionalPackageDir(pkg: string): string | null {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

/** `sub` inside the package folder, checked to exist. */
export function packageDataDir(pkg: string, sub = 'data'): string {
  const dir = join(packageDir(pkg), sub);
  if (!existsSync(dir)) throw new FileFormatError(dir, 'folder', `the data folder of ${pkg}`, 'missing');
  return dir;
}
