import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import wrapAnsi from 'wrap-ansi';

/** A terminal stream as the live view needs it. */
export type TermStream = NodeJS.WritableStream & { columns?: number; on(event: 'resize', fn: () => void): unknown; off?(event: 'resize', fn: () => void): unknown };

/**
 * Cuts `line` to at most `width` display cells (wide and combining characters and colour escapes measured by
 * string-width, cut by slice-ansi so an escape is never split and open colours are closed); a cut line ends in `…`.
 */
export function fit(line: string, width: number): string {
  if (stringWidth(line) <= width) return line;
  if (width <= 1) return width === 1 ? '…' : '';
  return sliceAnsi(line, 0, width - 1) + '\x1b[0m…';
}

/** Wraps `text` into lines of at most `width` display cells, breaking at spaces, hard-breaking longer words. */
export function wrap(text: string, width: number): string[] {
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim: true }).split('\n');
}

/** Pads `s` with spaces to `width` display cells (colour escapes take none). */
export function padCells(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const pad = ' '.repeat(Math.max(0, width - stringWidth(s)));
  return align === 'left' ? s + pad : pad + s;
}

/** Display cells of `s`. */
export const cells = (s: string): number => stringWidth(s);

/**
 * A frame redrawn in place at the bottom of a terminal: each draw moves up over the previous frame and writes the
 * new one over it. Every line is fitted to the width less one cell, so the terminal never wraps a line and the
 * frame's height is exactly its line count. `log` prints lines above the frame that stay in the scrollback.
 */
export class Screen {
  private height = 0;
  private last: string[] = [];
  private drawn: string[] = [];
  private readonly tty: boolean;
  private readonly onResize = () => {
    // A terminal that reflows (tmux, most emulators) re-wraps the old frame at the new width: erase what it became.
    const cols = Math.max(1, this.stream.columns ?? 80);
    this.height = this.drawn.reduce((n, l) => n + Math.max(1, Math.ceil(stringWidth(l) / cols)), 0);
    this.draw(this.last);
  };

  constructor(private readonly stream: TermStream) {
    this.tty = (stream as { isTTY?: boolean }).isTTY === true;
    if (!this.tty) return;
    stream.write('\x1b[?25l');
    stream.on('resize', this.onResize);
  }

  /** Usable columns: the terminal's width less one (160 columns assumed for a file or pipe). */
  get width(): number {
    return Math.max(20, (this.stream.columns ?? (this.tty ? 80 : 160)) - 1);
  }

  /** Replaces the frame with `lines`. */
  draw(lines: string[]): void {
    this.last = lines;
    if (!this.tty) return;
    const fitted = lines.map((l) => fit(l, this.width) + '\x1b[0m');
    // Each line erases its own rest, then the screen below the frame is cleared (a taller old frame, a `^C` echo).
    // Never one erase from the frame's top: tmux would take that for a whole-screen clear and push the old frame
    // into the scrollback (its scroll-on-clear option).
    this.stream.write(this.home() + fitted.map((l) => l + '\x1b[K\n').join('') + '\x1b[J');
    this.drawn = fitted;
    this.height = fitted.length;
  }

  /** Prints `text` above the frame (wrapped to the width, kept in the scrollback) and redraws the frame under it. */
  log(text: string): void {
    if (!this.tty) return void this.stream.write(stripAnsi(text) + '\n');
    const lines = text.split('\n').flatMap((l) => wrap(l, this.width));
    this.stream.write(this.home() + lines.map((l) => l + '\x1b[0m\x1b[K\n').join(''));
    this.height = 0;
    this.draw(this.last);
  }

  /** Rings the terminal bell. */
  bell(): void {
    if (this.tty) this.stream.write('\x07');
  }

  /** Leaves the last frame on screen and gives the cursor back. */
  close(): void {
    // Not a terminal (stderr redirected): no frames were drawn, only the last one is written, as plain text.
    if (!this.tty) return void this.stream.write(this.last.map((l) => stripAnsi(fit(l, this.width)) + '\n').join(''));
    this.stream.off?.('resize', this.onResize);
    this.stream.write('\x1b[?25h');
  }

  /** Moves to the start of the frame's first line. */
  private home(): string {
    return '\r' + (this.height > 0 ? `\x1b[${this.height}A` : '');
  }
}
