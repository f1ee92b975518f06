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

/** A document streamed around its rows: a head, one piece of text per row (knowing whether it is the first), a tail. */
export interface RowDocument<T> {
  head: string;
  row(r: T, first: boolean): string;
  tail(any: boolean): string;
}

/** The document's text in chunks as a station's synchronous walk yields its rows (head, rows in chunks, tail). */
export function* documentChunks<T>(doc: RowDocument<T>, rows: Iterable<T>, chars?: number): Generator<string> {
  yield doc.head;
  let any = false;
  yield* chunked(
    (function* () {
      for (const r of rows) {
        yield doc.row(r, !any);
        any = true;
      }
    })(),
    chars,
  );
  yield doc.tail(any);
}

/** The same text as `documentChunks` as an asynchronous walk (the hub's cursor) yields its rows in batches. */
export async function* documentChunksAsync<T>(doc: RowDocument<T>, batches: AsyncIterable<T[]>, chars = 16_384): AsyncGenerator<string> {
  yield doc.head;
  let any = false;
  let buf = '';
  for await (const rows of batches) {
    for (const r of rows) {
      buf += doc.row(r, !any);
      any = true;
      if (buf.length >= chars) {
        yield buf;
        buf = '';
      }
    }
  }
  if (buf.length > 0) yield buf;
  yield doc.tail(any);
}
