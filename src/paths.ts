import { fs } from './node-fs.js';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root (where chipdb/, adapters/ and package.json live), from source or from dist/. */
export const packageRoot: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/paths.ts -> root is one up; dist/src/paths.js -> root is two up.
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
})();

/** Folder of numbered SQL migrations. */
export const migrationsDir = path.join(packageRoot, 'chipdb', 'migrations');
/** Folder of chip catalog data files. */
export const chipCatalogDir = path.join(packageRoot, 'chipdb', 'chips');
/** Folder of socket-adapter catalog data files. */
export const adapterCatalogDir = path.join(packageRoot, 'adapters');
/** Folder of programmer family/model catalog data. */
export const programmerCatalogFile = path.join(packageRoot, 'chipdb', 'programmers.json');

let version: string | undefined;

/** gangflash's own version, from its package.json (recorded with every run; read on first use, then kept). */
export function gangflashVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
