/**
 * One programmer's session (a piscina task that lives as long as the farm session): it builds the programmer's
 * driver inside this thread (a USB handle never changes thread), opens it, then runs the cycles the main thread
 * sends over its MessagePort, streaming the user image from the shared chunk ring. A thrown error marks its ring
 * consumer dead (the others go on), is posted to the main thread, and ends the task.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Extent } from '../src/images/extent.js';
import { RingReader } from '../src/fanout/ring-reader.js';
import { attachRing, markConsumerDead } from '../src/fanout/ring-layout.js';
import { extentsFrom } from '../src/fanout/resume.js';
import type { CycleFigures, FromSession, ImageFile, SessionTask, ToSession } from '../src/fanout/pool/messages.js';
import { buildDriver } from '../src/programmers/driver-builders.js';
import { toWire } from '../src/errors.js';
import { runCycle, type CycleProgress } from '../src/programmers/cycle.js';
import type { ProgrammerDriver, Stage } from '../src/programmers/driver.js';

/** The image's extents from `offset` on, read from the file by this thread (its readers load only then: most cycles read the ring). */
async function* fromFile(image: ImageFile, offset = 0): AsyncGenerator<Extent> {
  const { openImage } = await import('../src/images/open.js');
  const src = await openImage(image.path, { fill: image.fill });
  yield* offset > 0 ? extentsFrom(src.extents(), offset) : src.extents();
}

/** Counts image bytes as they pass. */
async function* counted(extents: AsyncIterable<Extent>, fig: CycleFigures): AsyncGenerator<Extent> {
  for await (const e of extents) {
    fig.imageBytes += e.length;
    yield e;
  }
}

/** Runs one cycle with the ring as the user image; posts throttled progress; returns results and figures. */
async function cycle(driver: ProgrammerDriver, task: SessionTask, msg: Extract<ToSession, { type: 'cycle' }>): Promise<FromSession> {
  const post = (m: FromSession) => task.port.postMessage(m);
  const fig: CycleFigures = { stageMs: {}, imageBytes: 0, resumedBytes: 0 };
  const reader = new RingReader(task.ring, task.consumer, {
    resume: (offset) => fromFile(msg.image, offset),
    onDetached: (offset) => post({ type: 'detached', wave: msg.wave, offset }),
  });
  let opened = false;
  const openUser = (): AsyncIterable<Extent> => {
    // the ring streams the image once; a second pass over the user image (if a driver ever asks) reads the file
    const src = opened ? fromFile(msg.image) : reader;
    opened = true;
    return counted(src, fig);
  };
  let stage: Stage | undefined;
  let stageAt = 0;
  let lastPost = 0;
  const onProgress = (p: CycleProgress) => {
    const now = performance.now();
    if (p.stage !== stage) {
      if (stage) fig.stageMs[stage] = (fig.stageMs[stage] ?? 0) + (now - stageAt);
      stage = p.stage;
      stageAt = now;
    } else if (now - lastPost < task.progressMs && p.bytesDone !== p.bytesTotal) return;
    lastPost = now;
    post({ type: 'progress', wave: msg.wave, stage: p.stage, partition: p.partition, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
  };
  const plan = { ...msg.plan, bootImages: msg.plan.bootImages?.map((b) => ({ partition: b.partition, bytes: b.bytes, openExtents: () => fromFile(b) })) };
  try {
    const results = await runCycle(driver, plan, openUser, onProgress);
    if (stage) fig.stageMs[stage] = (fig.stageMs[stage] ?? 0) + (performance.now() - stageAt);
    fig.resumedBytes = reader.resumedBytes;
    fig.detachedAt = reader.detachedAt;
    return { type: 'done', wave: msg.wave, results, figures: fig };
  } finally {
    reader.leave();
  }
}

/** The session task: open the driver, serve cycles until `close`, close the driver. */
export default async function programmerSession(task: SessionTask): Promise<string> {
  const post = (m: FromSession) => task.port.postMessage(m);
  let driver: ProgrammerDriver | undefined;
  let wave: number | undefined;
  try {
    driver = await buildDriver(task.spec, task.options);
    await driver.open(task.chip);
    const next = inbox(task.port);
    post({ type: 'ready', sites: driver.info.sites });
    for (;;) {
      const msg = await next();
      if (msg.type === 'close') break;
      wave = msg.wave;
      post(await cycle(driver, task, msg));
      wave = undefined;
    }
    return 'closed';
  } catch (e) {
    markConsumerDead(attachRing(task.ring), task.consumer);
    post({ type: 'error', wave, error: toWire(e) });
    throw e;
  } finally {
    await driver?.close().catch(() => undefined);
    task.port.close();
  }
}

/** The port's messages in order, however fast they come. */
function inbox(port: MessagePort): () => Promise<ToSession> {
  const queued: ToSession[] = [];
  let waiting: ((m: ToSession) => void) | undefined;
  port.on('message', (m: ToSession) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(m);
    } else queued.push(m);
  });
  return () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((r) => (waiting = r)));
}
