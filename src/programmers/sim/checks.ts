import type { Progress, SiteFailure, SiteOutcome } from '../driver.js';
import { crcOfFill } from '../unit-digests.js';
import { checkValidBlocks, failure, outcome, timed, type ProgramRecord, type SimContext } from './context.js';
import { grownBadBlocks } from './faults.js';
import type { SimSite } from './site.js';
import type { SiteMedia } from './media.js';

/** CRC-32 of an erased unit with one byte reading back wrong (a cell that does not erase). */
function stuckErasedCrc(value: number, unitBytes: number, offset: number, xor: number): number {
  const at = offset % unitBytes;
  let c = crcOfFill(value, at);
  c = crcOfFill(value ^ xor, 1, c);
  return crcOfFill(value, unitBytes - at - 1, c);
}

/** Erases one site's device: NAND block by block around bad blocks; eMMC and NOR whole. */
function eraseSite(ctx: SimContext, site: SimSite): SiteFailure | undefined {
  const dev = site.device!;
  const f = checkValidBlocks(ctx, site, 'erase');
  if (f) return f;
  if (dev.defect === 'erase-failed') {
    const what = site.bad ? 'block 0 (guaranteed good by the datasheet) reports erase status FAIL' : 'the device reports an erase error';
    return failure('erase-failed', 'erase', what);
  }
  for (const m of Object.values(site.media)) m.eraseAll();
  if (site.bad) {
    for (const b of grownBadBlocks(ctx.opts, dev.label, 'erase', site.bad.length)) if (b > 0) site.markBad(b);
    const again = checkValidBlocks(ctx, site, 'erase');
    if (again) return again;
  }
  if (dev.defect === 'blank-check-failed') {
    const user = site.media.user!;
    let u = dev.defectUnit % user.units;
    while (site.bad && site.bad[u] === 1) u = (u + 1) % user.units;
    const unitBytes = ctx.geom.unitBytes(false);
    user.write(u, stuckErasedCrc(ctx.geom.erasedValue, unitBytes, dev.defectOffset, dev.defectXor));
  }
  return undefined;
}

/** Erases every live site together; the cycle takes as long as the slowest site. */
export async function eraseSites(ctx: SimContext, live: SimSite[], progress?: Progress): Promise<SiteOutcome[]> {
  ctx.clock.start();
  const out: SiteOutcome[] = [];
  let slowest = 0;
  for (const s of live) {
    const f = eraseSite(ctx, s);
    const good = (s.media.user?.units ?? 0) - (s.bad ? s.badBlocks().length : 0);
    slowest = Math.max(slowest, ctx.geom.eraseUs(good));
    out.push(outcome(s, f));
  }
  await timed(ctx, slowest, ctx.chip.capacityBytes, progress);
  return out;
}

/** Blank-checks every live site: each good unit must still hold the erased value. */
export async function blankCheckSites(ctx: SimContext, live: SimSite[], progress?: Progress): Promise<SiteOutcome[]> {
  ctx.clock.start();
  const unitBytes = ctx.geom.unitBytes(false);
  const erased = crcOfFill(ctx.geom.erasedValue, unitBytes);
  const out: SiteOutcome[] = [];
  for (const s of live) {
    let f: SiteFailure | undefined;
    for (const [name, m] of Object.entries(s.media)) {
      for (let u = 0; u < m.units && !f; u++) {
        if (s.bad && s.bad[u] === 1) continue;
        if (m.isWritten(u) && m.digest(u) !== erased) {
          f = failure('blank-check-failed', 'blank', `${name} unit ${u} (bytes ${u * unitBytes}..${(u + 1) * unitBytes - 1}) is not erased`);
        }
      }
      if (f) break;
    }
    out.push(outcome(s, f));
  }
  await timed(ctx, ctx.geom.readUs(ctx.chip.capacityBytes, false), ctx.chip.capacityBytes, progress);
  return out;
}

/** Where a site's read-back differs from what the stream sent: the first unit, what it read, and how many units differ. */
interface Mismatch {
  first: number;
  firstDigest: number;
  bad: number;
  /** The first unit's physical block, when the site has a block map. */
  phys?: number;
}

/**
 * Compares every sent unit's digest with the site's read-back (`got`, `written` from SiteMedia.readBack; an unwritten
 * unit reads as erased cells). Its own small function: the loop runs once per site and stays optimized across sites.
 */
function compareReadBack(ctx: SimContext, rec: ProgramRecord, got: Uint32Array, written: Uint8Array): Mismatch {
  const m: Mismatch = { first: -1, firstDigest: 0, bad: 0 };
  const { crc, sent } = rec;
  for (let u = 0; u < rec.units; u++) {
    if (sent[u] === 0) continue;
    const digest = written[u] === 1 ? got[u] : crcOfFill(ctx.geom.erasedValue, sent[u]);
    if (digest === crc[u]) continue;
    if (m.first < 0) {
      m.first = u;
      m.firstDigest = digest;
    }
    m.bad++;
  }
  return m;
}

/** The same comparison through a NAND site's block map (image block u lives in physical block map[u]). */
function compareMapped(ctx: SimContext, rec: ProgramRecord, media: SiteMedia, map: Int32Array): Mismatch {
  const m: Mismatch = { first: -1, firstDigest: 0, bad: 0 };
  for (let u = 0; u < rec.units; u++) {
    if (rec.sent[u] === 0) continue;
    const phys = map[u];
    const digest = phys >= 0 && media.isWritten(phys) ? media.digest(phys) : crcOfFill(ctx.geom.erasedValue, rec.sent[u]);
    if (digest === rec.crc[u]) continue;
    if (m.first < 0) {
      m.first = u;
      m.firstDigest = digest;
      m.phys = phys;
    }
    m.bad++;
  }
  return m;
}

/** Compares each live site's recorded unit digests with what the last program() sent; names the first bad block. */
export async function verifySites(ctx: SimContext, live: SimSite[], progress?: Progress): Promise<SiteOutcome[]> {
  ctx.clock.start();
  const rec = ctx.last;
  const out: SiteOutcome[] = [];
  if (!rec) {
    for (const s of live) out.push(outcome(s, failure('verify-failed', 'verify', 'nothing was programmed in this cycle, so there is nothing to verify against')));
    return out;
  }
  // Read-back buffers for sites without a block map: each site's digests come out of its media in one pass.
  const got = new Uint32Array(rec.units);
  const written = new Uint8Array(rec.units);
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  for (const s of live) {
    const media = s.media[rec.partition]!;
    const map = rec.partition === 'user' ? s.map : undefined;
    let m: Mismatch;
    if (map) m = compareMapped(ctx, rec, media, map);
    else {
      media.readBack(rec.units, got, written);
      m = compareReadBack(ctx, rec, got, written);
    }
    if (m.first < 0) {
      out.push(outcome(s));
      continue;
    }
    const detail = `block ${m.first}${map ? ` (physical block ${m.phys})` : ''} of ${rec.partition} reads back CRC-32 ${hex(m.firstDigest)}, the image has ${hex(rec.crc[m.first])}`;
    out.push(outcome(s, failure('verify-failed', 'verify', `${detail}${m.bad > 1 ? ` (${m.bad} blocks differ)` : ''}`)));
  }
  await timed(ctx, ctx.geom.readUs(rec.bytes, rec.withSpare), rec.bytes, progress);
  return out;
}
