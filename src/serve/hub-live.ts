import { HubListener, type Hub } from '../hub/connection.js';
import { hubAttemptsUploadedSince, hubEventsAfter, hubLiveMarks } from '../hub/store/live-events.js';
import { hubLotCount } from '../hub/store/lot-counts.js';
import { UPLOAD_CHANNEL } from '../hub/store/uploads.js';
import { hubLotStatus } from '../lots/counters.js';
import { yieldOf } from '../stats/yield-of.js';
import type { LiveMessage } from './live.js';
import { PolledFeed } from './polled-feed.js';

/** Most attempts of the overlap before the present a feed marks as seen when it starts. */
const PRESENT_MAX = 100_000;

/** Options of the hub's live feed. */
export interface HubLiveOptions {
  /** Milliseconds between polls of the hub (the truth; notifications only bring a poll forward). @default 1000 */
  pollMs?: number;
  /** Most rows read per poll (the rest come on the next one, at once). @default 1000 */
  batch?: number;
  /**
   * How far back each poll looks before the newest upload it saw, in ms: an upload is stamped with its transaction's
   * start, so one that committed after a later one is still found (the rows seen are remembered, none is sent twice).
   * @default 10000
   */
  overlapMs?: number;
  /** LISTEN for the hub's upload notifications (a dropped connection is made again). @default true */
  listen?: boolean;
  /** Told when the LISTEN connection goes up or down (tests, logs). */
  onListen?: (listening: boolean) => void;
}

/**
 * Every station's finished insertions, events and lot counters as the hub records them, pushed to dashboard clients:
 * a poll of the hub's tables every `pollMs` is the truth, and each NOTIFY an upload sends only brings the next poll
 * forward. Runs only while someone listens; starts at the hub's present (the page loads the rest).
 */
export class HubLiveFeed extends PolledFeed {
  private listener: HubListener | null = null;
  private marks: { since: string; event: number } | null = null;
  /** Attempts sent, by id, with when the hub recorded them (forgotten once outside the overlap). */
  private readonly sent = new Map<string, string>();
  private running: Promise<void> | null = null;
  private again = false;
  private readonly batch: number;
  private readonly overlapMs: number;

  constructor(private readonly hub: Hub, private readonly o: HubLiveOptions = {}) {
    super(o.pollMs ?? 1000);
    this.batch = o.batch ?? 1000;
    this.overlapMs = o.overlapMs ?? 10_000;
  }

  /** The LISTEN connection, while there is one (tests end it to see it come back). */
  get listening(): HubListener | null {
    return this.listener;
  }

  protected begin(): void {
    this.marks = null;
    this.sent.clear();
    if (this.o.listen ?? true) this.listener = new HubListener(this.hub.url, UPLOAD_CHANNEL, () => this.poke(), { onState: this.o.onListen }).start();
    this.poke();
  }

  protected tick(): void {
    this.poke();
  }

  /** Stops listening (polling stops with it). */
  protected override end(): void {
    void this.listener?.close();
    this.listener = null;
  }

  /** Polls now, or right after the poll in flight (never two at once). */
  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // A poll that fails (the hub is away) is simply tried again at the next tick or notification.
    this.running = this.pollOnce()
      .catch(() => {})
      .finally(() => {
        this.running = null;
        if (this.again && this.polling) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** The time `overlapMs` before `iso` (ISO). */
  private before(iso: string): string {
    return new Date(Date.parse(iso) - this.overlapMs).toISOString();
  }

  /** Polls now (after the poll in flight) and resolves when no poll is left to run. */
  async poll(): Promise<void> {
    this.poke();
    while (this.running) await this.running;
  }

  /** Reads what the hub recorded since the last poll and pushes it to every subscriber. */
  private async pollOnce(): Promise<void> {
    if (!this.marks) {
      // The present: what the hub recorded before (within the overlap too) is in the page's first load, never replayed.
      const m = await hubLiveMarks(this.hub);
      for (const a of await hubAttemptsUploadedSince(this.hub, this.before(m.now), PRESENT_MAX)) this.sent.set(a.id, a.uploadedAt);
      this.marks = { since: m.now, event: m.topEvent };
      return;
    }
    const from = this.before(this.marks.since);
    const rows = await hubAttemptsUploadedSince(this.hub, from, this.batch + this.sent.size);
    const attempts = rows.filter((a) => !this.sent.has(a.id)).slice(0, this.batch);
    const events = await hubEventsAfter(this.hub, this.marks.event, this.batch);
    const out: LiveMessage[] = [];
    for (const a of attempts) out.push({ event: 'attempt', data: a });
    for (const e of events) out.push({ event: 'event', data: { ...e, lot_id: e.lot } });
    for (const lot of new Set([...attempts.map((a) => a.lot), ...events.flatMap((e) => (e.lot ? [e.lot] : []))])) {
      const c = await hubLotCount(this.hub, lot);
      if (!c) continue;
      const row = { lot, status: hubLotStatus({ total: c.reels, held: c.held, done: c.done }), planned: c.planned, passed: c.passed, failed: c.failed };
      out.push({ event: 'lot', data: { ...row, yield: yieldOf(row) } });
    }
    for (const a of attempts) {
      this.sent.set(a.id, a.uploadedAt);
      if (a.uploadedAt > this.marks.since) this.marks.since = a.uploadedAt;
    }
    if (events.length) this.marks.event = events[events.length - 1].id;
    const keep = this.before(this.marks.since);
    for (const [id, at] of this.sent) if (at < keep) this.sent.delete(id);
    this.emit(out);
    if (attempts.length === this.batch || events.length === this.batch) this.again = true;
  }
}
