// The run's MES publisher on a thread of its own (started by run-publisher.ts): it opens its own connection to the
// station's database, reads the outbox and moves the sent cursor (mes_publish_state, the publisher's own row), so
// the recording thread spends nothing on reading, encoding, sending and settling messages (measured: 20–30 µs per
// device of a thread that spends ~210 µs per device recording). The recording thread still writes every message in
// the transaction of its record; this thread never writes a production row.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../db/open.js';
import { OutboxStore } from '../store/outbox.js';
import { Publisher } from './publisher.js';
import { sinkOf } from './settings.js';
import { lowerThisThread, mesNice } from './thread-priority.js';
import { yieldToRecording } from './yield-to-recording.js';

/** What the run tells its publisher thread. */
export type ToPublisher = { type: 'finish'; drainMs: number };
/** What the publisher thread tells the run. */
export type FromPublisher = { type: 'warn'; message: string } | { type: 'finished'; pending: number };

const port = parentPort;
if (port) {
  // Publishing yields to programming: on a station whose cores are all busy the messages wait in the outbox, and
  // they go out as soon as the cores have time (docs/mes.md, "The cost to programming").
  lowerThisThread(mesNice());
  const post = (m: FromPublisher) => port.postMessage(m);
  const db = openDb((workerData as { dbFile: string }).dbFile, { create: false, migrate: false });
  const c = new OutboxStore(db).config();
  if (!c || !c.enabled) {
    post({ type: 'finished', pending: 0 });
    db.close();
  } else {
    let streak = 0;
    const p = new Publisher(db, c, sinkOf(c), {
      // While the run's recording thread is busy (the cores are all taken by programming), publishing waits, up to
      // 30 s since it last published; the rest of the time it keeps up (docs/mes.md, "What it costs").
      defer: yieldToRecording(),
      onError: (e, ms) => {
        if (streak++ === 0 || ms >= 10_000) post({ type: 'warn', message: `mes: ${e.message}; the messages stay in the outbox, retrying in ${Math.round(ms / 1000)} s` });
      },
      onSent: () => {
        if (streak > 0) post({ type: 'warn', message: 'mes: publishing again' });
        streak = 0;
      },
    });
    p.start();
    port.on('message', (m: ToPublisher) => {
      if (m.type !== 'finish') return;
      void (async () => {
        await p.drain(m.drainMs);
        await p.stop();
        const pending = p.pending();
        db.close();
        post({ type: 'finished', pending });
      })();
    });
  }
}
