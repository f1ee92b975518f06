import { documentChunks, type RowDocument } from './chunked.js';

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

/** CSV as a streamed document: the header line, then one line per row. */
export function csvDocument<T extends object>(columns: (keyof T)[]): RowDocument<T> {
  return {
    head: columns.map((c) => csvField(String(c))).join(',') + '\r\n',
    row: (r) => columns.map((c) => csvField(r[c] as string | number | null)).join(',') + '\r\n',
    tail: () => '',
  };
}

/** The same CSV text in chunks of about `chars` characters, for rows that stream from the database (memory flat in their count). */
export function* csvChunks<T extends object>(rows: Iterable<T>, columns: (keyof T)[], chars?: number): Generator<string> {
  for (const c of documentChunks(csvDocument(columns), rows, chars)) if (c.length > 0) yield c;
}
