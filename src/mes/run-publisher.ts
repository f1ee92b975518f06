import { Worker } from 'node:worker_threads';
import type { Db } from '../db/open.js';
import { OutboxStore } from '../store/outbox.js';
import type { FromPublisher, ToPublisher } from './publisher-thread.js';
import { sinkOf } from './settings.js';

/** Env var: ms a finished `run` keeps publishing its backlog before it exits (what is left waits for the next run or `mes publish`). */
export const MES_DRAIN_ENV = 'GANGFLASH_MES_DRAIN_MS';

/** Ms the run waits for its publisher thread beyond the drain time before it leaves it behind. */
const FINISH_GRACE_MS = 20_000;

/**
 * The publisher a run drives alongside programming, on a thread of its own (src/mes/publisher-thread.ts), or null
 * when MES is not set up (or disabled). Its warnings (broker down, publishing again) go to `warn`.
 */
export function startRunPublisher(db: Db, warn: (message: string) => void): { finish(): Promise<void> } | null {
  const c = new OutboxStore(db).config();
  if (!c || !c.enabled) return null;
  try {
    // Settings the sink cannot be built from (an unreadable credentials file) are reported here, once.
    void sinkOf(c).close();
  } catch (e) {
    // A broken MES setting never stops programming: the messages wait in the outbox.
    warn(`mes: ${(e as Error).message}; this run writes its messages to the outbox but does not publish them`);
    return null;
  }
  const url = new URL(`./publisher-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  const worker = new Worker(url, { workerData: { dbFile: db.name }, execArgv: url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [] });
  worker.unref(); // never what keeps a finished or failed run's process alive
  let finished: ((pending: number | null) => void) | undefined;
  let gone = false;
  worker.on('message', (m: FromPublisher) => {
    if (m.type === 'warn') warn(m.message);
    else finished?.(m.pending);
  });
  worker.on('error', (e) => warn(`mes: the publisher thread failed (${e.message}); the messages stay in the outbox`));
  worker.on('exit', () => {
    gone = true;
    finished?.(null);
  });
  return {
    async finish() {
      const raw = process.env[MES_DRAIN_ENV];
      const ms = raw !== undefined && /^\d{1,7}$/.test(raw) ? Number(raw) : 5000;
      const pending = await new Promise<number | null>((resolve) => {
        if (gone) return resolve(null);
        const t = setTimeout(() => resolve(null), ms + FINISH_GRACE_MS);
        finished = (n) => {
          clearTimeout(t);
          resolve(n);
        };
        worker.postMessage({ type: 'finish', drainMs: ms } satisfies ToPublisher);
      });
      await worker.terminate();
      const left = pending ?? new OutboxStore(db).pendingCount();
      if (left > 0) warn(`mes: ${left} message(s) wait in the outbox; the next run or \`gangflash mes publish\` sends them`);
    },
  };
}
