import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './cli.js';

/** True when tmux can be run on this machine. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A real terminal of `columns` × `rows` (a detached tmux session on its own server socket) running gangflash
 * commands from source one after the other, as an operator types them; every byte the programs write is also
 * recorded raw (tmux pipe-pane) so escapes such as the bell can be checked.
 */
export class TmuxTerminal {
  private readonly socket: string;
  readonly raw: string;
  private readonly session = 'gf';

  constructor(dir: string, readonly columns: number, rows = 50) {
    fs.mkdirSync(dir, { recursive: true });
    this.socket = path.join(dir, 'tmux.sock');
    this.raw = path.join(dir, 'raw.out');
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), 'sh');
    this.tmux('set-option', '-g', 'history-limit', '5000');
    this.tmux('pipe-pane', '-o', '-t', this.session, `cat >> ${q(this.raw)}`);
  }

  private runs = 0;

  /**
   * Types `gangflash ARGS` (from source, in the repository) between two marker lines, `[run N]` and `[exit CODE]`;
   * returns N, for `output(screen, N)`.
   */
  gangflash(args: string[], env: Record<string, string> = {}): number {
    const n = ++this.runs;
    const vars = Object.entries({ PATH: process.env.PATH ?? '', ...env }).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    const line = `echo "[run ${n}]"; cd ${q(root)} && env ${vars} ${q(process.execPath)} --import tsx src/cli/entry.ts ${args.map(q).join(' ')}; echo "[exit $?]"`;
    this.tmux('send-keys', '-t', this.session, '-l', line);
    this.tmux('send-keys', '-t', this.session, 'Enter');
    return n;
  }

  /** What run N printed so far (the lines after its `[run N]` marker, up to and including `[exit CODE]`). */
  static output(screen: string, n: number): string {
    // Not anchored at a line start: a shell prompt printed late can sit in front of the marker.
    const from = screen.lastIndexOf(`[run ${n}]\n`);
    if (from < 0) return '';
    const rest = screen.slice(from + `[run ${n}]\n`.length);
    const end = /^\[exit \d+\]$/m.exec(rest);
    return end ? rest.slice(0, end.index + end[0].length) : rest;
  }

  /** Presses Ctrl-C in the terminal. */
  ctrlC(): void {
    this.tmux('send-keys', '-t', this.session, 'C-c');
  }

  /** The visible screen and its scrollback as text, wrapped lines joined (so a too-long line shows as one). */
  capture(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', this.session);
  }

  /** Polls the screen until `test` holds; returns the capture, or throws after `ms` naming `what`. */
  async until(test: (screen: string) => boolean, what: string, ms = 60_000, every = 50): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const s = this.capture();
      if (test(s)) return s;
      if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what}; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, every));
    }
  }

  /** Ends the session and its server. */
  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }
}
