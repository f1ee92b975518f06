import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Quotes `s` for a POSIX shell when it holds anything but plain path characters. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** This installation's bin/gangflash.js (found by walking up from this file, from source or from dist). */
function binFile(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const f = path.join(dir, 'bin', 'gangflash.js');
    if (fs.existsSync(f)) return f;
    dir = path.dirname(dir);
  }
  return null;
}

/** True when a `gangflash` executable is on $PATH. */
function onPath(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => {
    try {
      fs.accessSync(path.join(d, 'gangflash'), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * How the user can run gangflash from any folder, for hints printed by the program: `gangflash` when it is on PATH
 * (npm link / npm install -g), else `node /abs/path/bin/gangflash.js`, which works as printed wherever it is typed.
 */
export function gangflashCommand(): string {
  if (onPath()) return 'gangflash';
  const bin = binFile();
  return bin ? `node ${shellQuote(bin)}` : 'gangflash';
}
