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

/** The same CSV text in chunks of at most `batch` rows, for rows that stream from the database (memory flat in their count). */
export function* csvChunks<T extends object>(rows: Iterable<T>, columns: (keyof T)[], batch = 1000): Generator<string> {
  let lines = [columns.map((c) => csvField(String(c))).join(',')];
  for (const r of rows) {
    lines.push(columns.map((c) => csvField(r[c] as string | number | null)).join(','));
    if (lines.length >= batch) {
      yield lines.join('\r\n') + '\r\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\r\n') + '\r\n';
}
