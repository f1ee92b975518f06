/** The naive fan-outs, main-thread side: every worker reads the file itself, or gets a postMessage copy of each chunk. */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Chip } from '../../src/catalog/chip.js';
import { openImage } from '../../src/images/open.js';
import type { ProgrammerSpec } from '../../src/programmers/spec.js';
import type { NaiveTask } from './naive-worker.js';

/** Chunks in flight per worker in 'post-copy' mode before the main thread waits for an ack. */
const CREDIT = 8;

/** A naive farm with its workers up and drivers open; `go()` runs one cycle everywhere. */
export interface NaiveFarm {
  go(): Promise<boolean>;
  close(): Promise<void>;
}

/** Starts one worker per programmer and waits until every driver is open. */
export async function startNaive(mode: NaiveTask['mode'], specs: ProgrammerSpec[], chip: Chip, path: string, plan: NaiveTask['plan']): Promise<NaiveFarm> {
  const pool = new Piscina({ filename: new URL('./naive-worker.ts', import.meta.url).href, execArgv: ['--import', 'tsx'], minThreads: specs.length, maxThreads: specs.length, atomics: 'disabled' });
  const ports: MessagePort[] = [];
  const ready: Promise<unknown>[] = [];
  /** Per port: the resolver of the cycle in progress. */
  const done: ((ok: boolean) => void)[] = [];
  const runs = specs.map((spec, i) => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    ready.push(new Promise((r) => port1.once('message', r)));
    port1.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'ok' in m) done[i]?.((m as { ok: boolean }).ok);
    });
    const task: NaiveTask = { mode, spec, chip, path, plan, port: port2 };
    return pool.run(task, { transferList: [port2 as never] }) as Promise<void>;
  });
  await Promise.all(ready);
  return {
    async go() {
      const cycles = ports.map((_, i) => new Promise<boolean>((r) => (done[i] = r)));
      for (const p of ports) p.postMessage('go');
      if (mode === 'post-copy') await pump(path, ports);
      return (await Promise.all(cycles)).every(Boolean);
    },
    async close() {
      for (const p of ports) p.close();
      await Promise.all(runs);
      await pool.destroy();
    },
  };
}

/** Reads the image once and postMessage-copies every extent to every port, at most CREDIT unacked per port. */
async function pump(path: string, ports: MessagePort[]): Promise<void> {
  const out = ports.map(() => 0);
  const waiting: ((() => void) | undefined)[] = ports.map(() => undefined);
  const acks = ports.map((_, i) => (m: unknown) => {
    if (m !== 'ack') return;
    out[i]--;
    waiting[i]?.();
    waiting[i] = undefined;
  });
  ports.forEach((p, i) => p.on('message', acks[i]));
  for await (const e of (await openImage(path)).extents()) {
    for (let i = 0; i < ports.length; i++) {
      while (out[i] >= CREDIT) await new Promise<void>((r) => (waiting[i] = r));
      out[i]++;
      ports[i].postMessage(e); // structured clone: a copy of the chunk for every worker
    }
  }
  for (const p of ports) p.postMessage(null);
  ports.forEach((p, i) => p.off('message', acks[i]));
}
