import type { Extent } from '../../images/extent.js';
import type { Progress, SiteFailure, SiteOutcome } from '../driver.js';
import type { EmmcPartition, ProgramTarget } from '../../layout/target.js';
import { UnitDigester, type UnitDigest, type UnitTap } from '../unit-digests.js';
import { checkValidBlocks, failure, outcome, type ProgramRecord, type SimContext } from './context.js';
import { grownBadBlocks } from './faults.js';
import { NandPlacer, placerRegions } from '../../layout/nand-placer.js';
import type { SimSite } from './site.js';
import { BulkWrites } from './bulk-writes.js';

/** Raised inside the stream loop when this cycle's link drops. */
class LinkDropped extends Error {}

/** Per-site program state for one stream. */
interface Writer {
  site: SimSite;
  failure?: SiteFailure;
  placement?: NandPlacer;
  growsBad: Set<number>;
  wroteAny: boolean;
  /** An eMMC site without placement: the stream's units are recorded for it in one step at the end (`recordBulk`). */
  bulk: boolean;
}



/** The bytes one site writes wrong in this stream: flipBlock test hooks and program-disturb defects. */
function tapsFor(ctx: SimContext, writers: Writer[], partition: EmmcPartition): UnitTap[] {
  const taps: UnitTap[] = [];
  for (const f of ctx.opts.flipBlock) {
    if (f.partition === partition && writers.some((w) => w.site.index === f.site)) taps.push({ key: f.site, unit: f.block, offset: 0, xor: 0x01 });
  }
  for (const w of writers) {
    const d = w.site.device;
    if (d?.defect === 'verify-failed' && partition === 'user') taps.push({ key: w.site.index, unit: 0, offset: 0, xor: d.defectXor });
  }
  return taps;
}

/** Writes one image unit on one site: placement around bad blocks, grown bad blocks, its own faults. */
function writeUnit(ctx: SimContext, w: Writer, d: UnitDigest, rec: ProgramRecord): void {
  const partition = rec.partition;
  const site = w.site;
  const media = site.media[partition]!;
  let phys = d.unit;
  if (w.placement) {
    let p = w.placement.place(d.unit);
    while (typeof p === 'number' && d.sentBytes > 0 && w.growsBad.has(p)) {
      site.markBad(p); // program status FAIL: the block goes bad and its data moves on
      ctx.clock.advance(ctx.geom.programUs(d.sentBytes, false));
      p = w.placement.place(d.unit);
    }
    if (typeof p !== 'number') {
      w.failure = failure(p.code === 'outside-scheme' ? 'program-failed' : 'too-many-bad-blocks', 'program', p.message);
      return;
    }
    phys = p;
  }
  if (d.sentBytes === 0) return;
  if (!w.wroteAny && site.device?.defect === 'program-failed') {
    w.failure = failure('program-failed', 'program', `program status FAIL at ${w.placement ? 'block' : 'unit'} ${phys} (first page written)`);
    return;
  }
  w.wroteAny = true;
  let crc = d.taps?.get(site.index) ?? d.crc;
  // Flash cells only go from erased to programmed: writing over programmed, different data leaves garbage (eMMC remaps).
  if (ctx.chip.kind !== 'emmc' && media.isWritten(phys) && media.digest(phys) !== crc) crc = (crc ^ 0x5bd1e995) >>> 0;
  if (crc === d.crc) media.writeShared(phys, rec.crc, d.unit);
  else media.write(phys, crc);
}

/**
 * Units the digest arrays of a stream start with; they double as the stream reaches further. Sized for the partition
 * (up to 2^17 units, an 8 GB eMMC: 1 MiB a cycle) they made every cycle of a small image allocate and zero memory the
 * stream never used, and each worker's malloc heap grew over a long lot (bench:scale --only rss).
 */
const FIRST_DIGEST_UNITS = 1024;

/** Makes the stream's digest arrays `length` units long, keeping what they hold (runs already written keep the old ones). */
function growDigests(rec: ProgramRecord, length: number): void {
  const crc = new Uint32Array(length);
  crc.set(rec.crc);
  const sent = new Uint32Array(length);
  sent.set(rec.sent);
  rec.crc = crc;
  rec.sent = sent;
}

/** Streams extents once to every live site of the sim programmer: one digest per unit, recorded per site. */
export async function programSites(
  ctx: SimContext,
  live: SimSite[],
  extents: AsyncIterable<Extent>,
  target: ProgramTarget,
  progress?: Progress,
): Promise<{ outcomes: SiteOutcome[]; failed: Map<number, SiteFailure> }> {
  const partition = target.partition ?? live[0]?.selected() ?? 'user';
  const withSpare = ctx.chip.kind === 'nand' || ctx.chip.kind === 'spi-nand' ? target.withSpare === true : false;
  const failed = new Map<number, SiteFailure>();
  const units = ctx.geom.units[partition];
  if (units === undefined) {
    for (const s of live) failed.set(s.index, failure('program-failed', 'program', `${ctx.chip.part} has no ${partition} partition`));
    return { outcomes: live.map((s) => outcome(s, failed.get(s.index))), failed };
  }
  const unitBytes = ctx.geom.unitBytes(withSpare);
  const first = Math.min(units, FIRST_DIGEST_UNITS);
  const rec: ProgramRecord = { partition, withSpare, unitBytes, units: 0, bytes: 0, crc: new Uint32Array(first), sent: new Uint32Array(first) };
  const writers: Writer[] = [];
  for (const site of live) {
    const f = checkValidBlocks(ctx, site, 'program');
    if (f) failed.set(site.index, f);
    else {
      const placement = site.bad ? new NandPlacer(placerRegions(target.nandScheme, site.bad.length, unitBytes), site.bad) : undefined;
      const growsBad = site.bad ? grownBadBlocks(ctx.opts, site.device!.label, 'program', site.bad.length) : new Set<number>();
      writers.push({ site, placement, growsBad, wroteAny: false, bulk: !placement && ctx.chip.kind === 'emmc' });
    }
  }
  const perUnit = writers.filter((w) => !w.bulk);
  const bulk = new BulkWrites(writers.filter((w) => w.bulk));
  const skip = target.skipBlank === true;
  let sentUnits = 0;
  const digester = new UnitDigester({
    unitBytes,
    capacity: ctx.geom.partitionBytes(partition, withSpare),
    skipFill: (fill, dontCare) => skip && (dontCare || fill === ctx.geom.erasedValue),
    taps: tapsFor(ctx, writers, partition),
    onUnit: (d) => {
      if (d.unit >= rec.crc.length) growDigests(rec, Math.min(units, Math.max(d.unit + 1, rec.crc.length * 2)));
      rec.crc[d.unit] = d.crc;
      rec.sent[d.unit] = d.sentBytes;
      rec.units = d.unit + 1;
      if (d.sentBytes > 0) ctx.clock.advance(ctx.geom.programUs(d.sentBytes, withSpare));
      for (const w of perUnit) if (!w.failure) writeUnit(ctx, w, d, rec);
      if (d.sentBytes > 0) bulk.unit(d);
      if (d.sentBytes > 0 && ctx.linkCut !== undefined && ++sentUnits >= ctx.linkCut) throw new LinkDropped();
    },
  });
  let linkLost = false;
  try {
    ctx.clock.start();
    for await (const e of extents) {
      digester.feed(e);
      progress?.(digester.bytes);
      await ctx.clock.pace();
      if (writers.every((w) => w.failure)) break;
    }
    digester.finish();
  } catch (e) {
    if (e instanceof LinkDropped) linkLost = true;
    else {
      const msg = e instanceof Error ? e.message : String(e);
      for (const w of writers) w.failure ??= failure('program-failed', 'program', msg);
    }
  }
  rec.bytes = digester.bytes;
  bulk.record(rec);
  if (ctx.linkCut !== undefined) linkLost = true; // a short stream still loses the link before its final status
  for (const w of writers) {
    if (linkLost) w.failure = failure('link-lost', 'program', `the programmer's link dropped after ${digester.bytes} bytes of the stream`);
    if (w.failure) failed.set(w.site.index, w.failure);
    if (partition === 'user' && w.placement) w.site.map = w.placement.map;
  }
  ctx.last = rec;
  return { outcomes: live.map((s) => outcome(s, failed.get(s.index))), failed };
}
