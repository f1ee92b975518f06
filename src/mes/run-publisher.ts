import type { Db } from '../db/open.js';
import { OutboxStore } from '../store/outbox.js';
import { Publisher } from './publisher.js';
import { sinkOf } from './settings.js';

/** Env var: ms a finished `run` keeps publishing its backlog before it exits (what is left waits for the next run or `mes publish`). */
export const MES_DRAIN_ENV = 'GANGFLASH_MES_DRAIN_MS';

/** The publisher a run drives alongside programming, or null when MES is not set up (or disabled). */
export function startRunPublisher(db: Db, warn: (message: string) => void): { finish(): Promise<void> } | null {
  const c = new OutboxStore(db).config();
  if (!c || !c.enabled) return null;
  let sink;
  try {
    sink = sinkOf(c);
  } catch (e) {
    // A broken MES setting (an unreadable credentials file) never stops programming: the messages wait in the outbox.
    warn(`mes: ${(e as Error).message}; this run writes its messages to the outbox but does not publish them`);
    return null;
  }
  let streak = 0;
  const p = new Publisher(db, c, sink, {
    onError: (e, ms) => {
      if (streak++ === 0 || ms >= 10_000) warn(`mes: ${e.message}; the messages stay in the outbox, retrying in ${Math.round(ms / 1000)} s`);
    },
    onSent: () => {
      if (streak > 0) warn('mes: publishing again');
      streak = 0;
    },
  });
  p.start();
  return {
    async finish() {
      const raw = process.env[MES_DRAIN_ENV];
      const ms = raw !== undefined && /^\d{1,7}$/.test(raw) ? Number(raw) : 5000;
      const empty = await p.drain(ms);
      await p.stop();
      if (!empty) warn(`mes: ${p.pending()} message(s) wait in the outbox; the next run or \`gangflash mes publish\` sends them`);
    },
  };
}
