import fs from 'node:fs';

/** Why a file's text could not be read: not a regular file (never opened), or the read's own error. */
export type TextFileProblem = { kind: 'not-a-file' } | { kind: 'unreadable'; error: Error };

/**
 * The UTF-8 text of a regular file, a byte-order mark (as Windows editors write it) dropped. A folder, pipe or device
 * is refused before it is opened: a FIFO would be waited on, /dev/zero read without end. `refuse` builds the caller's
 * own error for either problem.
 */
export function readTextFile(file: string, refuse: (p: TextFileProblem) => Error): string {
  if (fs.statSync(file, { throwIfNoEntry: false })?.isFile() === false) throw refuse({ kind: 'not-a-file' });
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw refuse({ kind: 'unreadable', error: e as Error });
  }
}
