/**
 * A programmer fed the naive ways, for comparison (a piscina task): 'self-read' opens and reads the image file
 * itself; 'post-copy' takes every chunk copied to it by the main thread with postMessage (acking each one). A task
 * serves cycles until its port closes, so the benchmark can time warm cycles as it does gangflash's waves.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Chip } from '../../src/catalog/chip.js';
import type { Extent } from '../../src/images/extent.js';
import { openImage } from '../../src/images/open.js';
import { runCycle, type CyclePlan } from '../../src/programmers/cycle.js';
import { createDriver } from '../../src/programmers/registry.js';
import type { ProgrammerSpec } from '../../src/programmers/spec.js';

/** One naive programmer's task. */
export interface NaiveTask {
  mode: 'self-read' | 'post-copy';
  spec: ProgrammerSpec;
  chip: Chip;
  path: string;
  plan: Omit<CyclePlan, 'bootImages'>;
  port: MessagePort;
}

/** Extents posted by the main thread, one stream per cycle (`null` ends it); each one is acked once consumed. */
function fromPort(port: MessagePort): () => AsyncIterable<Extent> {
  const queue: (Extent | null)[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (m: Extent | null | 'go') => {
    if (m === 'go') return;
    queue.push(m);
    wake?.();
  });
  return () =>
    (async function* () {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const e = queue.shift()!;
        if (e === null) return;
        yield e;
        port.postMessage('ack');
      }
    })();
}

/** Opens the driver, says ready, then runs one cycle per 'go' and answers each with `{ ok }` until the port closes. */
export default async function naiveProgrammer(task: NaiveTask): Promise<void> {
  const driver = createDriver(task.spec);
  await driver.open(task.chip);
  let go: (() => void) | undefined;
  let closed = false;
  task.port.on('message', (m) => m === 'go' && go?.());
  task.port.on('close', () => {
    closed = true;
    go?.();
  });
  const stream = task.mode === 'post-copy' ? fromPort(task.port) : undefined;
  task.port.postMessage('ready');
  for (;;) {
    await new Promise<void>((r) => (go = r));
    if (closed) break;
    const open = (): AsyncIterable<Extent> =>
      stream?.() ??
      (async function* () {
        yield* (await openImage(task.path)).extents();
      })();
    const results = await runCycle(driver, task.plan, open);
    task.port.postMessage({ ok: results.every((r) => r.ok) });
  }
  await driver.close();
}
