import Database from 'better-sqlite3';
import { InstallError } from '../errors.js';

let loaded = false;

/**
 * Loads better-sqlite3's native module once, before any database file is touched, so that a broken install
 * (wrong ABI, missing binary, unsupported platform) is reported as an install problem and never as a damaged database.
 */
export function assertSqliteLoads(): void {
  if (loaded) return;
  try {
    new Database(':memory:').close();
    loaded = true;
  } catch (e) {
    const why = String((e as Error)?.message ?? e).split('\n')[0];
    throw new InstallError(
      'install-native-module',
      `better-sqlite3's native module could not be loaded on Node.js ${process.versions.node} (${process.platform}-${process.arch}): ${why}. ` +
        'This is an installation problem, not a database problem: run `npm rebuild better-sqlite3` (or `npm ci`) in the gangflash folder, ' +
        'with the Node.js you run gangflash on; no database was opened or changed',
    );
  }
}
