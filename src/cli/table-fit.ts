// How a text table fits a terminal narrower than its rows: the widest text columns (left-aligned, words with spaces)
// are narrowed and their cells wrapped onto more lines; numbers, times, codes and ids are never cut. A table that
// cannot fit that way is printed one record at a time.
// Widths count UTF-16 code units, as table() does: the cells are gangflash's own text, ids and numbers.

/** Spaces between two columns. */
export const GAP = 2;

/** The narrowest a text column is made: its header, or this many characters, whichever is wider. */
const FLOOR = 20;

/** Whether a column may be wrapped: left-aligned, and some of its cells are words with spaces. */
export function wrappable(cells: readonly string[][], i: number, align: 'left' | 'right' | undefined): boolean {
  return align !== 'right' && cells.some((row) => row[i].includes(' '));
}

/** How wide a row of columns of `widths` is. */
export function rowWidth(widths: readonly number[]): number {
  return widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);
}

/**
 * Column widths within `limit`: the widest wrappable column is narrowed first, none below its header or FLOOR (nor
 * below its own content); null when even those floors do not fit.
 */
export function fitWidths(widths: readonly number[], headers: readonly string[], wrappable: readonly boolean[], limit: number): number[] | null {
  const ws = [...widths];
  const floor = ws.map((w, i) => (wrappable[i] ? Math.min(w, Math.max(headers[i].length, FLOOR)) : w));
  let excess = rowWidth(ws) - limit;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < ws.length; i++) if (ws[i] > floor[i] && (widest < 0 || ws[i] > ws[widest])) widest = i;
    if (widest < 0) return null;
    // Down to the next widest column (so the wide ones end up even), at most by what is still too much.
    const next = Math.max(floor[widest], ...ws.map((w, i) => (i !== widest && wrappable[i] ? w : 0)));
    const cut = Math.min(excess, Math.max(1, ws[widest] - next));
    ws[widest] -= cut;
    excess -= cut;
  }
  return ws;
}

/** `text` broken at spaces into lines of at most `width` characters; a word longer than a line is cut. */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    if (line !== '' && line.length + 1 + w.length <= width) {
      line += ` ${w}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (w.length > width) {
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    line = w;
  }
  lines.push(line);
  return lines;
}

/** Rows as one record each, `header  value` a line, values wrapped under themselves within `limit`. */
export function recordLines(headers: readonly string[], cells: readonly string[][], limit: number): string[] {
  const label = Math.max(...headers.map((h) => h.length));
  const room = Math.max(1, limit - label - GAP);
  const out: string[] = [];
  cells.forEach((row, r) => {
    out.push(`-- ${r + 1} of ${cells.length} --`);
    row.forEach((v, i) => {
      wrapText(v, room).forEach((part, k) => out.push(`${(k === 0 ? headers[i] : '').padEnd(label)}${' '.repeat(GAP)}${part}`.trimEnd()));
    });
  });
  return out;
}
