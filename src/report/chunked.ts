/**
 * Joins `parts` (each already carrying its separators) into chunks of at least `chars` characters, yielding each as
 * soon as it is full (the last may be shorter; nothing is yielded for no parts). Small chunks keep what a streamed
 * report holds at any moment small: the young generation V8 grows with what survives its collections stays small too.
 */
export function* chunked(parts: Iterable<string>, chars = 16_384): Generator<string> {
  let buf = '';
  for (const p of parts) {
    buf += p;
    if (buf.length >= chars) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}
