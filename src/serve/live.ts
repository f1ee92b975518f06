import type { Db } from '../db/open.js';
import { yieldOf } from '../stats/yield-of.js';
import { PolledFeed } from './polled-feed.js';
import { eventsAfter, finishedAttemptsBetween, liveLot, oldestOpenAttemptAfter, topAttemptId, topEventId } from '../store/live-events.js';

/** One message pushed to dashboard clients over server-sent events. */
export interface LiveMessage {
  /** SSE event name: attempt (a finished insertion), event (an alarm or audit row), lot (a lot's new counters and yield). */
  event: 'attempt' | 'event' | 'lot';
  data: unknown;
}

/** A source of live messages for the dashboard's event stream (a station's journal or the hub). */
export interface LiveFeed {
  /** Adds a listener; returns the function that removes it. */
  subscribe(fn: (m: LiveMessage) => void): () => void;
  /** Stops feeding. */
  stop(): void;
}

/** Options of the database poller. */
export interface LiveOptions {
  /** Milliseconds between polls of the database. @default 1000 */
  pollMs?: number;
  /** Most rows read per table per poll (the rest come on the next poll). @default 1000 */
  batch?: number;
}

/**
 * Polls the (read-only) database for attempts and events newer than the last seen and hands them to subscribers;
 * the runner is another process, so the database is the only channel. Polls only while someone listens.
 */
export class LivePoller extends PolledFeed {
  private lastAttempt: number;
  /** Finished attempts above `lastAttempt` already sent. */
  private readonly sent = new Set<number>();
  private lastEvent: number;
  private readonly batch: number;

  constructor(private readonly db: Db, opts: LiveOptions = {}) {
    super(opts.pollMs ?? 1000);
    this.batch = opts.batch ?? 1000;
    this.lastAttempt = 0;
    this.lastEvent = 0;
    this.resetMarks();
  }

  /** Starts the marks at the database's present: what happened while nobody listened is in the next page load, never replayed. */
  private resetMarks(): void {
    this.lastAttempt = topAttemptId(this.db);
    this.lastEvent = topEventId(this.db);
    this.sent.clear();
  }

  protected begin(): void {
    this.resetMarks();
  }

  protected tick(): void {
    this.poll();
  }

  /**
   * Attempts are written 'in-socket' and finished later, so ids do not finish in order: the mark moves up to just
   * below the oldest attempt still in a socket, and finished ones above it are remembered so none is sent twice.
   */
  private advance(sentNow: { id: number }[], top: number): void {
    for (const a of sentNow) this.sent.add(a.id);
    const open = oldestOpenAttemptAfter(this.db, this.lastAttempt);
    this.lastAttempt = Math.max(this.lastAttempt, open === null ? top : Math.min(top, open - 1));
    for (const id of this.sent) if (id <= this.lastAttempt) this.sent.delete(id);
  }

  /** Reads what is new since the last poll and pushes it to every subscriber. */
  poll(): void {
    // The top id first, then rows up to it: an attempt committed between the two reads is left for the next poll.
    const top = topAttemptId(this.db);
    const read = finishedAttemptsBetween(this.db, this.lastAttempt, top, this.batch);
    const full = read.length === this.batch;
    const attempts = read.filter((a) => !this.sent.has(a.id));
    const events = eventsAfter(this.db, this.lastEvent, this.batch);
    const out: LiveMessage[] = [];
    for (const a of attempts) out.push({ event: 'attempt', data: a });
    for (const e of events) out.push({ event: 'event', data: e });
    const lots = new Set([...attempts.map((a) => a.lot), ...events.flatMap((e) => (e.lot_id ? [e.lot_id] : []))]);
    for (const lot of lots) {
      const c = liveLot(this.db, lot);
      if (c) out.push({ event: 'lot', data: { ...c, yield: yieldOf(c) } });
    }
    this.advance(attempts, full ? read[read.length - 1].id : top);
    if (events.length) this.lastEvent = events[events.length - 1].id;
    this.emit(out);
  }
}
