import zlib from 'node:zlib';
import type { Progress, SiteFailure } from '../driver.js';
import { crcOfFill } from '../unit-digests.js';
import { DirectReader } from './direct-read.js';
import type { BlockdevOptions } from './options.js';
import type { LiveSite } from './programmer.js';
import type { SentRecord } from './record.js';

const READ_BYTES = 4 << 20;

/** Opens a reader per live site; a site that cannot be opened fails at once. */
function readers(live: LiveSite[], fail: Map<number, SiteFailure>, opts: BlockdevOptions, chunk: number, stage: 'blank' | 'verify'): Map<number, DirectReader> {
  const out = new Map<number, DirectReader>();
  for (const l of live) {
    try {
      out.set(l.site, new DirectReader(l.target.path, chunk, opts.directIo));
    } catch (e) {
      fail.set(l.site, { code: stage === 'blank' ? 'blank-check-failed' : 'verify-failed', stage, message: `reading back ${l.target.path}: ${(e as Error).message}` });
    }
  }
  return out;
}

/** Reads the same range of every site at once; a site whose read fails is failed and dropped. */
async function readAll(rs: Map<number, DirectReader>, fail: Map<number, SiteFailure>, stage: 'blank' | 'verify', at: number, len: number): Promise<Map<number, Uint8Array>> {
  const views = new Map<number, Uint8Array>();
  await Promise.all(
    [...rs].map(async ([site, r]) => {
      try {
        views.set(site, await r.read(at, len));
      } catch (e) {
        fail.set(site, { code: stage === 'blank' ? 'blank-check-failed' : 'verify-failed', stage, message: `reading ${r.path} at ${at}: ${(e as Error).message}` });
        rs.delete(site);
      }
    }),
  );
  return views;
}

/** Checks that every byte of each live site reads back erased (0x00), comparing per-chunk CRC-32s. */
export async function blankCheckTargets(live: LiveSite[], fail: Map<number, SiteFailure>, opts: BlockdevOptions, total: number, progress?: Progress): Promise<void> {
  const rs = readers(live, fail, opts, READ_BYTES, 'blank');
  const cap = Math.max(0, ...live.map((l) => l.capacity));
  try {
    for (let at = 0; at < cap && rs.size > 0; at += READ_BYTES) {
      const views = await readAll(rs, fail, 'blank', at, Math.min(READ_BYTES, cap - at));
      for (const [site, v] of views) {
        if (zlib.crc32(v) === crcOfFill(0, v.length)) continue;
        const i = v.findIndex((b) => b !== 0);
        fail.set(site, { code: 'blank-check-failed', stage: 'blank', message: `byte ${at + i} of ${rs.get(site)!.path} reads 0x${v[i].toString(16)}, not erased (0x00)` });
        rs.get(site)!.close();
        rs.delete(site);
      }
      progress?.(Math.round((Math.min(at + READ_BYTES, cap) / cap) * total));
    }
  } finally {
    for (const r of rs.values()) r.close();
  }
}

/** Reads each live site back (O_DIRECT where possible) and compares per-unit CRC-32s with what program() sent. */
export async function verifyTargets(live: LiveSite[], fail: Map<number, SiteFailure>, rec: SentRecord | undefined, opts: BlockdevOptions, progress?: Progress): Promise<void> {
  if (!rec) {
    for (const l of live) fail.set(l.site, { code: 'verify-failed', stage: 'verify', message: 'nothing was programmed in this cycle, so there is nothing to verify against' });
    return;
  }
  const chunk = Math.max(1, Math.floor(READ_BYTES / rec.unitBytes)) * rec.unitBytes;
  const rs = readers(live, fail, opts, chunk, 'verify');
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  try {
    for (let at = 0; at < rec.bytes && rs.size > 0; at += chunk) {
      const first = at / rec.unitBytes;
      const last = Math.min(rec.units, first + chunk / rec.unitBytes);
      let any = false;
      for (let u = first; u < last && !any; u++) any = rec.sent[u] > 0;
      if (any) {
        const views = await readAll(rs, fail, 'verify', at, Math.min(chunk, rec.bytes - at));
        for (const [site, v] of views) {
          for (let u = first; u < last; u++) {
            if (rec.sent[u] === 0) continue;
            const off = (u - first) * rec.unitBytes;
            const got = off + rec.span[u] <= v.length ? rec.crcOf(u, v.subarray(off)) : -1;
            if (got === rec.crc[u]) continue;
            const what = got < 0 ? `ends at byte ${at + v.length}` : `reads back CRC-32 ${hex(got)}, the image has ${hex(rec.crc[u])}`;
            fail.set(site, { code: 'verify-failed', stage: 'verify', message: `block ${u} (bytes ${u * rec.unitBytes}..${u * rec.unitBytes + rec.span[u] - 1}) of ${rs.get(site)!.path} ${what}` });
            rs.get(site)!.close();
            rs.delete(site);
            break;
          }
        }
      }
      progress?.(Math.min(at + chunk, rec.bytes));
    }
  } finally {
    for (const r of rs.values()) r.close();
  }
}
