import cliProgress from 'cli-progress';
import type { RunEvent } from '../scheduler/events.js';

const STAGE_LETTER: Record<string, string> = { id: 'I', erase: 'E', blank: 'B', program: 'P', verify: 'V', serial: 'S', 'ext-csd': 'X', done: '·' };

/** What the live view shows of one site. */
export interface SiteCell {
  stage: string;
  pct: number;
  last?: 'pass' | 'fail';
}

/** The operator's live view on a terminal: a lot bar, one line per programmer with every site's stage and %, and alarms. */
export class LiveView {
  private readonly multi: cliProgress.MultiBar;
  private readonly lotBar: cliProgress.SingleBar;
  private readonly bars = new Map<string, { bar: cliProgress.SingleBar; cells: Map<number, SiteCell> }>();
  private started = Date.now();

  constructor(private readonly stream: NodeJS.WritableStream & { columns?: number } = process.stderr) {
    this.multi = new cliProgress.MultiBar({
      stream,
      fps: 8,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
      format: (_o, params, payload: { line?: string; name?: string }) =>
        payload.line !== undefined ? payload.line : `${(payload.name ?? '').padEnd(10)} ${bar(params.progress, 24)}`,
    });
    this.lotBar = this.multi.create(1, 0, { line: 'starting…' });
  }

  /** Feeds one run event into the view. */
  readonly onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'run-start':
        this.started = Date.now();
        this.lotBar.setTotal(Math.max(1, e.remaining));
        this.lotBar.update(0, { line: `lot ${e.lot} · job ${e.job} · ${e.chip} · ${e.sites} sites on ${e.programmers} programmers · ${e.remaining} to program · image ${imagesChecked(e.images)}` });
        break;
      case 'cycle-start': {
        const p = this.programmer(e.programmer);
        for (const d of e.devices) p.cells.set(d.site, { stage: 'id', pct: 0, last: p.cells.get(d.site)?.last });
        this.redraw(e.programmer);
        break;
      }
      case 'site-progress': {
        const p = this.programmer(e.programmer);
        const c = p.cells.get(e.site) ?? { stage: e.stage, pct: 0 };
        c.stage = e.stage;
        c.pct = e.bytesTotal > 0 ? Math.min(100, Math.floor((100 * e.bytesDone) / e.bytesTotal)) : 0;
        p.cells.set(e.site, c);
        this.redraw(e.programmer);
        break;
      }
      case 'device-result': {
        const p = this.programmer(e.programmer);
        p.cells.set(e.site, { stage: 'done', pct: 100, last: e.result });
        this.redraw(e.programmer);
        break;
      }
      case 'alarm':
        this.multi.log(`\x1b[33mALARM\x1b[0m ${e.code}: ${e.message}\n`);
        break;
      case 'lot-progress': {
        const done = e.passed + e.failed;
        const rate = Math.round(e.devicesPerHour);
        const eta = e.etaSeconds === null ? '-' : fmtDuration(e.etaSeconds);
        this.lotBar.setTotal(Math.max(1, e.planned));
        this.lotBar.update(done, {
          line: `lot ${bar(done / Math.max(1, e.planned), 24)} ${done}/${e.planned}  pass ${e.passed}  fail ${e.failed}  ${rate}/h  left ${eta}  (${fmtDuration((Date.now() - this.started) / 1000)})`,
        });
        break;
      }
      case 'lot-done':
        this.multi.stop();
        break;
    }
  };

  /** Stops drawing (restores the cursor). */
  stop(): void {
    this.multi.stop();
  }

  private programmer(name: string) {
    let p = this.bars.get(name);
    if (!p) {
      p = { bar: this.multi.create(100, 0, { line: name }), cells: new Map() };
      this.bars.set(name, p);
    }
    return p;
  }

  private redraw(name: string): void {
    const p = this.bars.get(name)!;
    p.bar.update(0, { line: `${name.padEnd(10).slice(0, 10)} ${siteCells([...p.cells.entries()], (this.stream.columns ?? 80) - 11)}` });
  }
}

/**
 * A programmer's sites in `width` columns: `P 42%` per site (6 columns each) when they fit, else one column per site
 * (stage letter, green ✓ / red ✗ when done) followed by the least progress of the sites still working, so a
 * 16-site gang stays on one line of an 80-column terminal.
 */
export function siteCells(cells: [number, SiteCell][], width: number): string {
  const sorted = cells.sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  if (sorted.length * 6 - 1 <= width) return sorted.map(cell).join(' ');
  const working = sorted.filter((c) => c.stage !== 'done');
  const least = working.length > 0 ? ` ${String(Math.min(...working.map((c) => c.pct))).padStart(3)}%` : '';
  return sorted.map(letter).join('') + least;
}

function letter(c: SiteCell): string {
  if (c.stage === 'done') return c.last === 'fail' ? '\x1b[31m✗\x1b[0m' : '\x1b[32m✓\x1b[0m';
  return STAGE_LETTER[c.stage] ?? '?';
}

function cell(c: SiteCell): string {
  if (c.stage === 'done') return c.last === 'fail' ? '\x1b[31m FAIL\x1b[0m' : '\x1b[32m  ok \x1b[0m';
  return `${STAGE_LETTER[c.stage] ?? '?'}${String(c.pct).padStart(3)}%`;
}

function bar(share: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round(share * width)));
  return '█'.repeat(n) + '░'.repeat(width - n);
}

/** Formats seconds as 1h02m, 3m05s or 12s. */
export function fmtDuration(s: number): string {
  s = Math.round(s);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** How the run found its images unchanged, in a few words for the live view. */
function imagesChecked(images: { by: 'sha256' | 'identity'; ms: number }[]): string {
  if (images.length > 0 && images.every((i) => i.by === 'identity')) return 'unchanged since last verified (not re-read)';
  return `verified (SHA-256, ${(images.reduce((n, i) => n + i.ms, 0) / 1000).toFixed(1)} s)`;
}
