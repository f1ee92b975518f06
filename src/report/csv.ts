/** One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled; null is empty. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header line, CRLF line ends (RFC 4180). */
export function toCsv<T extends object>(rows: T[], columns: (keyof T)[]): string {
  const lines = [columns.map((c) => csvField(String(c))).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] as string | number | null)).join(','));
  return lines.join('\r\n') + '\r\n';
}
