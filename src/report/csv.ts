import { chunked } from './chunked.js';

/** One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled; null is empty. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header line, CRLF line ends (RFC 4180). */
export function toCsv<T extends object>(rows: T[], columns: (keyof T)[]): string {
  return [...csvChunks(rows, columns)].join('');
}

/** The same CSV text in chunks of about `chars` characters, for rows that stream from the database (memory flat in their count). */
export function* csvChunks<T extends object>(rows: Iterable<T>, columns: (keyof T)[], chars?: number): Generator<string> {
  yield* chunked(
    (function* () {
      yield columns.map((c) => csvField(String(c))).join(',') + '\r\n';
      for (const r of rows) yield columns.map((c) => csvField(r[c] as string | number | null)).join(',') + '\r\n';
    })(),
    chars,
  );
}
