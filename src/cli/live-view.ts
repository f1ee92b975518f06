import type { RunEvent } from '../scheduler/events.js';
import { Screen, wrap, type TermStream } from './screen.js';
import { siteGrid, type ProgrammerSlots, type SiteSlot } from './site-grid.js';
import { yieldPercent } from '../stats/yield-of.js';

/** What the live view is told before the first event: the farm's every site and what is already known. */
export interface LiveSetup {
  lot: string;
  /** SHA-256 of the job's image (hex); the header shows its first 12 digits. */
  imageSha256?: string;
  /** Every programmer with every site, OFF/EOL sites included, with the lot's counts so far. */
  programmers: ProgrammerSlots[];
  /** Alarms still in force when the run starts (disabled sites, adapters at end of life), one sentence each. */
  activeAlarms: string[];
  /** Ring the terminal bell on every alarm. */
  bell?: boolean;
  /** The job's operations in order (id, erase, blank, program, verify), for the stop estimate of a first cycle. */
  ops?: string[];
  /** The MES backlog line ("MES …: N messages waiting") under the progress, when MES is set up. */
  mes?: () => string;
}

/**
 * The operator's live view on a terminal: a header (lot, job, chip, image SHA-256), the lot's progress, every site
 * of every programmer at a fixed place with its number, state and pass/fail counts, alarms above the frame, and a
 * "stopping" line from the moment Ctrl-C is pressed.
 */
export class LiveView {
  private readonly screen: Screen;
  private readonly slots = new Map<string, SiteSlot>();
  private header = '';
  private progress = 'starting…';
  private stoppingSince: number | null = null;
  private stopEta: number | null = null;
  private ended: string | null = null;
  /** The hub link's state on a station of a hub ("hub offline, N attempts waiting"); null without a hub. */
  private hub: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = Date.now();
  /** Per programmer: when its cycle in flight and its current stage started, and how long its last cycle took (ms). */
  private readonly cycles = new Map<string, { startedAt: number | null; lastMs: number | null; stage?: string; stageAt?: number }>();

  constructor(private readonly setup: LiveSetup, stream: TermStream = process.stderr as TermStream) {
    this.screen = new Screen(stream);
    for (const p of setup.programmers) for (const s of p.sites) this.slots.set(key(p.name, s.site), s);
    this.header = `lot ${setup.lot}${setup.imageSha256 ? ` · image SHA-256 ${setup.imageSha256.slice(0, 12)}…` : ''}`;
    if (setup.activeAlarms.length > 0) {
      this.screen.log(`\x1b[33mALARMS STILL ACTIVE\x1b[0m (${setup.activeAlarms.length}):\n${setup.activeAlarms.map((a) => `· ${a}`).join('\n')}`);
      this.ring();
    }
    this.draw();
  }

  /** Feeds one run event into the view. */
  readonly onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'run-start': {
        this.started = Date.now();
        const usable = [...this.slots.values()].filter((s) => s.state !== 'off' && s.state !== 'eol').length;
        const sha = this.setup.imageSha256 ? ` SHA-256 ${this.setup.imageSha256.slice(0, 12)}…` : '';
        this.header = `lot ${e.lot} · job ${e.job} · ${e.chip} · ${usable}/${this.slots.size} sites usable · ${e.remaining} to program\nimage${sha} ${imagesChecked(e.images)}`;
        break;
      }
      case 'cycle-start': {
        if (this.progress === 'starting…') this.progress = 'first cycle in flight…';
        this.cycles.set(e.programmer, { startedAt: Date.now(), lastMs: this.cycles.get(e.programmer)?.lastMs ?? null });
        for (const d of e.devices) Object.assign(this.slot(e.programmer, d.site), { state: 'working', stage: 'id', pct: 0 });
        break;
      }
      case 'site-progress': {
        const s = this.slot(e.programmer, e.site);
        if (s.state === 'off' || s.state === 'eol') break;
        const c = this.cycles.get(e.programmer);
        if (c && c.stage !== e.stage) Object.assign(c, { stage: e.stage, stageAt: Date.now() });
        Object.assign(s, { state: 'working', stage: e.stage, pct: e.bytesTotal > 0 ? Math.min(99, Math.floor((100 * e.bytesDone) / e.bytesTotal)) : 0 });
        break;
      }
      case 'device-result': {
        const s = this.slot(e.programmer, e.site);
        if (e.result === 'pass') s.passed++;
        else s.failed++;
        if (s.state !== 'off' && s.state !== 'eol') s.state = e.result;
        const c = this.cycles.get(e.programmer);
        if (c) c.lastMs = Math.max(c.startedAt === null ? 0 : Date.now() - c.startedAt, e.ms);
        break;
      }
      case 'alarm':
        this.alarm(e);
        return;
      case 'hub':
        this.hub = e.online ? `hub online${e.waiting > 0 ? ` · ${e.waiting} attempts waiting` : ''}` : `\x1b[33mhub offline, ${e.waiting} attempts waiting\x1b[0m (programming goes on with the reels and serial values held)`;
        break;
      case 'lot-progress': {
        const done = e.passed + e.failed;
        const eta = e.etaSeconds === null ? '-' : fmtDuration(e.etaSeconds);
        this.progress = `${bar(done / Math.max(1, e.planned), 20)} ${done}/${e.planned} · pass ${e.passed} · fail ${e.failed} · ${Math.round(e.devicesPerHour)}/h · left ${eta} · ${fmtDuration((Date.now() - this.started) / 1000)}`;
        break;
      }
      case 'lot-done': {
        const done = e.passed + e.failed;
        this.progress = `${bar(done / Math.max(1, e.planned), 20)} ${done}/${e.planned} · pass ${e.passed} · fail ${e.failed} · ${e.remaining} remaining · ${fmtDuration(e.seconds)}`;
        this.ended = `${e.end === 'done' ? '\x1b[32mlot done\x1b[0m' : `\x1b[33mrun ended: ${e.end}\x1b[0m`}${e.yield === null ? '' : ` · yield ${yieldPercent(e.yield)}%`}`;
        for (const s of this.slots.values()) if (s.state === 'working') s.state = 'idle';
        this.draw();
        return;
      }
    }
    this.schedule();
  };

  /** Shows at once that the run stops after the cycle in flight, with an estimate of how long that takes. */
  stopping(): void {
    if (this.stoppingSince !== null) return;
    this.stoppingSince = Date.now();
    let eta: number | null = null;
    for (const [programmer, c] of this.cycles) {
      const ms = this.cycleLeftMs(programmer, c);
      if (ms !== null) eta = Math.max(eta ?? 0, ms / 1000);
    }
    this.stopEta = eta === null ? null : Math.max(1, Math.ceil(eta));
    this.draw();
  }

  /**
   * How long a programmer's cycle in flight still runs: its last cycle's length less the time spent, or in a first
   * cycle, the current stage's rate (bytes done over time in the stage) extrapolated, plus a verify as long as the
   * program stage when verify follows it; null when nothing is known yet.
   */
  private cycleLeftMs(programmer: string, c: { startedAt: number | null; lastMs: number | null; stage?: string; stageAt?: number }): number | null {
    if (c.startedAt === null) return null;
    const now = Date.now();
    if (c.lastMs !== null) return c.lastMs - (now - c.startedAt);
    const working = [...this.slots.entries()].filter(([k, s]) => k.startsWith(`${programmer}\u0000`) && s.state === 'working');
    const least = Math.min(...working.map(([, s]) => s.pct ?? 0));
    if (!(least > 0 && least < 100) || c.stageAt === undefined) return null;
    const inStage = now - c.stageAt;
    const stageMs = (inStage * 100) / least;
    const verifyAfter = c.stage === 'program' && (this.setup.ops ?? []).includes('verify');
    return stageMs - inStage + (verifyAfter ? stageMs : 0);
  }

  /** Prints a notice above the frame (kept in the scrollback). */
  notice(text: string): void {
    this.screen.log(text);
  }

  /** Draws the last frame and gives the terminal back. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.draw();
    this.screen.close();
  }

  private alarm(e: Extract<RunEvent, { type: 'alarm' }>): void {
    if (e.programmer !== undefined && e.site !== undefined) {
      const s = this.slot(e.programmer, e.site);
      // The grid's reason line names the programmer and site already.
      const reason = e.message.startsWith(`${e.programmer} site ${e.site}`) ? e.message.slice(`${e.programmer} site ${e.site}`.length).replace(/^:?\s*/, '') : e.message;
      if (e.code === 'site-disabled') Object.assign(s, { state: 'off', reason });
      if (e.code === 'adapter-life' && !/override/.test(e.message)) Object.assign(s, { state: 'eol', reason });
    } else if (e.programmer !== undefined && e.code === 'programmer-lost' && /taken out of the run/.test(e.message)) {
      // A programmer taken out of the run: none of its sites is used again, so none keeps its last ok/fail.
      for (const [key, s] of this.slots) if (key.startsWith(`${e.programmer}\u0000`)) Object.assign(s, { state: 'off', reason: 'programmer taken out of the run' });
    }
    this.ring();
    this.screen.log(`\x1b[33mALARM\x1b[0m ${e.code}: ${e.message}`);
    this.draw();
  }

  private ring(): void {
    if (this.setup.bell) this.screen.bell();
  }

  private slot(programmer: string, site: number): SiteSlot {
    let s = this.slots.get(key(programmer, site));
    if (!s) {
      // A site the setup did not list (a programmer added mid-run): give it a place at the end of its programmer.
      s = { site, state: 'idle', passed: 0, failed: 0 };
      this.slots.set(key(programmer, site), s);
      let p = this.setup.programmers.find((x) => x.name === programmer);
      if (!p) this.setup.programmers.push((p = { name: programmer, sites: [] }));
      p.sites.push(s);
      p.sites.sort((a, b) => a.site - b.site);
    }
    return s;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, 100);
    this.timer.unref();
  }

  private draw(): void {
    const w = this.screen.width;
    const text = (t: string) => t.split('\n').flatMap((l) => wrap(l, w));
    const lines = [...text(this.header), ...text(this.progress), ...(this.setup.mes ? text(this.setup.mes()) : []), ...(this.hub ? text(this.hub) : []), ...siteGrid(this.setup.programmers, w)];
    if (this.ended) lines.push(...text(this.ended));
    else if (this.stoppingSince !== null) {
      lines.push(...text(`\x1b[7m STOPPING \x1b[0m after the cycle in flight${this.stopEta === null ? '' : ` (≈${this.stopEta} s)`}`));
      lines.push(...text('Ctrl-C again quits now; the devices in the sockets are re-run on resume'));
    }
    this.screen.draw(lines);
  }
}

const key = (programmer: string, site: number) => `${programmer}\u0000${site}`;

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
  if (images.length > 0 && images.every((i) => i.by === 'identity')) return 'unchanged since verified';
  return `verified in ${(images.reduce((n, i) => n + i.ms, 0) / 1000).toFixed(1)} s`;
}
