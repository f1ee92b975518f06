import { GAP, fitWidths, recordLines, rowWidth, wrappable, wrapText } from './table-fit.js';

/** A table column: header and how to get the cell from a row. */
export interface Column<T> {
  header: string;
  get: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

/** The terminal's width when stdout is one; undefined for a pipe or a file (scripts get whole rows). */
export function terminalColumns(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
}

/**
 * Renders rows as a plain-text table within `width` columns (default: the terminal's; no limit for a pipe or a
 * file): text columns too wide are narrowed and wrapped, numbers, times and ids never cut (src/cli/table-fit.ts); a
 * table that cannot fit that way is printed one record at a time.
 */
export function table<T>(rows: T[], columns: Column<T>[], width = terminalColumns()): string {
  const cells = rows.map((r) => columns.map((c) => String(c.get(r) ?? '')));
  const headers = columns.map((c) => c.header);
  const natural = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  let widths = natural;
  if (width !== undefined && cells.length > 0 && rowWidth(natural) > width) {
    const fitted = fitWidths(natural, headers, columns.map((c, i) => wrappable(cells, i, c.align)), width);
    if (fitted === null) return recordLines(headers, cells, width).join('\n');
    widths = fitted;
  }
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join(' '.repeat(GAP))
      .trimEnd();
  const lines = [fmt(headers), fmt(widths.map((w) => '-'.repeat(w)))];
  for (const row of cells) {
    const parts = row.map((v, i) => wrapText(v, widths[i]));
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) lines.push(fmt(parts.map((p) => p[k] ?? '')));
  }
  return lines.join('\n');
}

/** Prints a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints a line on stdout. */
export function say(line = ''): void {
  process.stdout.write(line + '\n');
}
