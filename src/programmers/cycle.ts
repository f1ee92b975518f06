import type { Extent } from '../images/extent.js';
import type { Insertion, ProgrammerDriver, SerialWrite, SiteFailure, SiteOutcome, Stage } from './driver.js';
import type { ExtCsdWrite } from '../layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../layout/target.js';
import type { SiteResult } from './site-result.js';

/** The device operations a job can ask for, in the order a cycle runs them. */
export type CycleOp = 'id' | 'erase' | 'blank' | 'program' | 'verify';

/** A boot-partition image of an eMMC job. */
export interface BootImage {
  partition: Exclude<EmmcPartition, 'user'>;
  /** Opens the image's extents once more (each call streams it from the start). */
  openExtents: () => AsyncIterable<Extent>;
  /** Expanded size, for progress totals. @default unknown */
  bytes?: number;
}

/** What one cycle does on one programmer. */
export interface CyclePlan {
  /** The devices in the sites this cycle. */
  insertions: Insertion[];
  /** Operations to run (any order given; they run in CycleOp order). */
  ops: CycleOp[];
  /** Hex prefix every device's ID must start with (spaces and case ignored). */
  expectedId: string;
  /** Where and how the user-area image is programmed. */
  target: ProgramTarget;
  /** Serial data per site, written after verify. @default none */
  serials?: SerialWrite[];
  /** EXT_CSD bytes written last (eMMC). @default none */
  extCsd?: ExtCsdWrite[];
  /** eMMC boot-partition images, programmed (and verified) after the user area. @default none */
  bootImages?: BootImage[];
  /** Expanded size of the user-area image: the total of program/verify progress. @default unknown */
  imageBytes?: number;
  /** The chip's capacity: the total of erase/blank progress (drivers report those stages on this scale). @default unknown */
  deviceBytes?: number;
}

/** Progress of a cycle: the stage (and partition while programming/verifying) and bytes done of its total. */
export interface CycleProgress {
  stage: Stage;
  partition?: EmmcPartition;
  bytesDone: number;
  bytesTotal?: number;
}

const ORDER: CycleOp[] = ['id', 'erase', 'blank', 'program', 'verify'];

/** Normalised hex (lower case, no separators). */
function hex(s: string): string {
  return s.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/**
 * Runs one cycle on a driver: load → id → erase → blank → program (user, then each boot partition) with verify after
 * each → serial → EXT_CSD → unload. A site that fails is dropped from every later operation. A driver that throws
 * fails every site still alive with `link-lost`. Runs in a worker thread: no database, no console output.
 */
export async function runCycle(
  driver: ProgrammerDriver,
  plan: CyclePlan,
  openExtents: () => AsyncIterable<Extent>,
  onProgress?: (p: CycleProgress) => void,
): Promise<SiteResult[]> {
  const results = new Map<number, SiteResult>();
  const start = Date.now();
  for (const ins of plan.insertions) results.set(ins.site, { site: ins.site, device: ins.device, ok: true, badBlocks: 0, startedAt: start, endedAt: start });
  let alive = plan.insertions.map((i) => i.site);
  let stage: Stage = 'id';
  const ops = new Set(plan.ops);

  const apply = (outcomes: SiteOutcome[], check?: (o: SiteOutcome) => SiteFailure | undefined): void => {
    const now = Date.now();
    for (const o of outcomes) {
      const r = results.get(o.site);
      if (!r || !r.ok) continue;
      if (o.badBlocks) r.badBlocks = o.badBlocks.length;
      const f = o.failure ?? check?.(o);
      if (f) {
        r.ok = false;
        r.failure = f;
        r.endedAt = now;
      }
    }
    alive = alive.filter((s) => results.get(s)!.ok);
  };
  const reporter = (s: Stage, total?: number, partition?: EmmcPartition) => {
    let last = 0;
    onProgress?.({ stage: s, partition, bytesDone: 0, bytesTotal: total });
    return (done: number) => {
      last = Math.max(last, done);
      onProgress?.({ stage: s, partition, bytesDone: last, bytesTotal: total });
    };
  };
  const programPart = async (partition: EmmcPartition, open: () => AsyncIterable<Extent>, bytes?: number): Promise<void> => {
    if (plan.bootImages?.length) {
      stage = 'program';
      apply(await driver.selectPartition(alive, partition));
    }
    if (alive.length === 0) return;
    stage = 'program';
    apply(await driver.program(alive, open(), { ...plan.target, partition }, reporter('program', bytes, partition)));
    if (ops.has('verify') && alive.length > 0) {
      stage = 'verify';
      apply(await driver.verify(alive, reporter('verify', bytes, partition)));
    }
  };

  await driver.load(plan.insertions);
  try {
    for (const op of ORDER) {
      if (!ops.has(op) || alive.length === 0 || op === 'verify') continue;
      stage = op;
      if (op === 'id') {
        const want = hex(plan.expectedId);
        apply(await driver.readId(alive), (o) => {
          const got = hex(Buffer.from((o as { id?: Uint8Array }).id ?? new Uint8Array(0)).toString('hex'));
          return got.startsWith(want) ? undefined : { code: 'id-mismatch', stage: 'id', message: `device answers ID ${got || '(none)'}, the job's chip has ${want}` };
        });
      } else if (op === 'erase') apply(await driver.erase(alive, reporter('erase', plan.deviceBytes)));
      else if (op === 'blank') apply(await driver.blankCheck(alive, reporter('blank', plan.deviceBytes)));
      else if (op === 'program') {
        await programPart('user', openExtents, plan.imageBytes);
        for (const b of plan.bootImages ?? []) if (alive.length > 0) await programPart(b.partition, b.openExtents, b.bytes);
        if (plan.bootImages?.length && alive.length > 0) apply(await driver.selectPartition(alive, 'user'));
      }
    }
    if (ops.has('verify') && !ops.has('program') && alive.length > 0) {
      stage = 'verify';
      apply(await driver.verify(alive, reporter('verify', plan.imageBytes)));
    }
    // A driver takes one serial write per site a call: a site with several (serial, MAC, key) gets one call a write,
    // in order, and a site that fails one is dropped from the rest.
    const bySite = new Map<number, SerialWrite[]>();
    for (const w of plan.serials ?? []) bySite.set(w.site, [...(bySite.get(w.site) ?? []), w]);
    for (let round = 0; ; round++) {
      const next = [...bySite].filter(([site, ws]) => alive.includes(site) && round < ws.length).map(([, ws]) => ws[round]);
      if (next.length === 0) break;
      stage = 'serial';
      apply(await driver.writeSerial(next));
    }
    if (plan.extCsd?.length && alive.length > 0) {
      stage = 'ext-csd';
      apply(await driver.writeExtCsd(alive, plan.extCsd));
    }
  } catch (e) {
    const message = `programmer failed during ${stage}: ${e instanceof Error ? e.message : String(e)}`;
    apply(alive.map((site) => ({ site, failure: { code: 'link-lost', stage, message } })));
  } finally {
    await driver.unload().catch(() => undefined);
  }
  const end = Date.now();
  for (const r of results.values()) if (r.ok) r.endedAt = end;
  return [...results.values()].sort((a, b) => a.site - b.site);
}
