import fs from 'node:fs/promises';
import type { Chip } from '../../catalog/chip.js';
import { DriverError, FarmError } from '../../errors.js';
import { isData, type Extent } from '../../images/extent.js';
import type { IdOutcome, Insertion, ProgrammerDriver, ProgrammerInfo, Progress, SerialWrite, SiteFailure, SiteOutcome, Stage } from '../driver.js';
import type { ExtCsdWrite } from '../../layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../../layout/target.js';
import { UnitDigester } from '../unit-digests.js';
import type { BlockdevOptions } from './options.js';
import { SentRecord } from './record.js';
import { checkTarget, type TargetInfo } from './safety.js';
import { targetCapacity, targetId, targetPresent } from './targets.js';
import { blankCheckTargets, verifyTargets } from './read-back.js';
import { WriteFanout } from './write-fanout.js';

const FILL_BYTES = 1 << 20;

/** An open site for the operation at hand. */
export interface LiveSite {
  site: number;
  target: TargetInfo;
  handle: fs.FileHandle;
  capacity: number;
}

/** Writes all of `bytes` at `position`. */
async function writeAll(h: fs.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await h.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Block devices or plain files as sites: write, fsync, read back with O_DIRECT. Only the listed targets are opened. */
export class BlockdevProgrammer implements ProgrammerDriver {
  private chip?: Chip;
  private targets: TargetInfo[] = [];
  /** Which sites hold a device (loaded and not yet unloaded). */
  private readonly loaded: boolean[];
  private readonly handles = new Map<number, fs.FileHandle>();
  private last?: SentRecord;

  constructor(readonly info: ProgrammerInfo, private readonly opts: BlockdevOptions) {
    if (opts.targets.length !== info.sites) {
      throw new FarmError('blockdev-targets', `programmer ${info.serial} has ${info.sites} sites but options.targets lists ${opts.targets.length} paths; give one target per site`);
    }
    this.loaded = Array.from({ length: info.sites }, () => false);
  }

  async open(chip: Chip): Promise<void> {
    this.targets = this.opts.targets.map((t) => checkTarget(t));
    this.chip = chip;
  }

  async close(): Promise<void> {
    await this.unload().catch(() => undefined);
    this.chip = undefined;
  }

  private get c(): Chip {
    if (!this.chip) throw new DriverError('not-open', `programmer ${this.info.serial} is not open`);
    return this.chip;
  }

  async load(insertions: Insertion[]): Promise<void> {
    const chip = this.c;
    for (const ins of insertions) {
      const t = this.targets[ins.site];
      if (!t) throw new DriverError('bad-site', `site ${ins.site} does not exist on ${this.info.serial}`);
      this.loaded[ins.site] = true;
      const again = checkTarget(t.path); // a file may have appeared since open(); checks repeat before each cycle
      this.targets[ins.site] = again;
      if (targetPresent(again, chip, this.opts.capacityBytes)) this.handles.set(ins.site, await fs.open(again.path, 'r+'));
    }
    this.last = undefined;
  }

  async unload(): Promise<void> {
    for (const h of this.handles.values()) await h.close();
    this.handles.clear();
    this.loaded.fill(false);
    this.last = undefined;
  }

  /** Runs an operation on the sites that hold a device; the others fail with `no-device`. */
  private async gate(stage: Stage, sites: number[], fn: (live: LiveSite[], fail: Map<number, SiteFailure>) => Promise<void>): Promise<SiteOutcome[]> {
    const chip = this.c;
    const fail = new Map<number, SiteFailure>();
    const live: LiveSite[] = [];
    for (const site of sites) {
      const handle = this.handles.get(site);
      if (!this.loaded[site] || !handle) fail.set(site, { code: 'no-device', stage, message: `site ${site} (${this.opts.targets[site] ?? '?'}) holds no device` });
      else live.push({ site, target: this.targets[site], handle, capacity: targetCapacity(this.targets[site], chip, this.opts.capacityBytes) });
    }
    await fn(live, fail);
    return sites.map((site) => (fail.has(site) ? { site, failure: fail.get(site) } : { site }));
  }

  async readId(sites: number[]): Promise<IdOutcome[]> {
    const out = await this.gate('id', sites, async () => undefined);
    return out.map((o) => (o.failure ? o : { ...o, id: targetId(this.targets[o.site], this.c) }));
  }

  async erase(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    const total = this.c.capacityBytes;
    return this.gate('erase', sites, async (live, fail) => {
      const zeros = new Uint8Array(FILL_BYTES);
      const cap = Math.max(...live.map((l) => l.capacity), 1);
      await Promise.all(
        live.map(async (l) => {
          try {
            if (l.target.kind === 'file') {
              await l.handle.truncate(0); // a plain file erases to zeros (eMMC ERASED_MEM_CONT = 0) by truncation
              await l.handle.truncate(l.capacity);
            } else {
              for (let at = 0; at < l.capacity; at += FILL_BYTES) {
                await writeAll(l.handle, zeros.subarray(0, Math.min(FILL_BYTES, l.capacity - at)), at);
                progress?.(Math.round(((at + FILL_BYTES) / cap) * total));
              }
            }
            await l.handle.sync();
          } catch (e) {
            fail.set(l.site, { code: 'erase-failed', stage: 'erase', message: `erasing ${l.target.path}: ${(e as Error).message}` });
          }
        }),
      );
      progress?.(total);
    });
  }

  async blankCheck(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('blank', sites, (live, fail) => blankCheckTargets(live, fail, this.opts, this.c.capacityBytes, progress));
  }

  async program(sites: number[], extents: AsyncIterable<Extent>, target: ProgramTarget, progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('program', sites, async (live, fail) => {
      if ((target.partition ?? 'user') !== 'user') {
        for (const l of live) fail.set(l.site, { code: 'program-failed', stage: 'program', message: `a block device shows only the user area, not ${target.partition}` });
        return;
      }
      const skip = (fill: number, dontCare: boolean) => target.skipBlank === true && (fill === 0xff || dontCare);
      const rec = new SentRecord(this.opts.unitBytes, Math.min(...live.map((l) => l.capacity)));
      const digester = new UnitDigester({ unitBytes: this.opts.unitBytes, skipFill: skip, capacity: Math.min(...live.map((l) => l.capacity)), onUnit: (d) => rec.add(d) });
      const out = new WriteFanout(live.map((l) => ({ site: l.site, path: l.target.path, handle: l.handle })), fail);
      try {
        for await (const e of extents) {
          digester.feed(e);
          if (isData(e) || !skip(e.fill, e.dontCare === true)) await out.write(e);
          progress?.(digester.bytes);
          if (out.live === 0) break;
        }
        digester.finish();
      } catch (e) {
        for (const l of live) if (!fail.has(l.site)) fail.set(l.site, { code: 'program-failed', stage: 'program', message: (e as Error).message });
      } finally {
        await out.finish(); // every write ends (and every held chunk is released) before program() returns
      }
      await Promise.all(
        live
          .filter((l) => !fail.has(l.site))
          .map((l) => l.handle.sync().catch((e: Error) => fail.set(l.site, { code: 'program-failed', stage: 'program', message: `syncing ${l.target.path}: ${e.message}` }))),
      );
      rec.bytes = digester.bytes;
      this.last = rec;
    });
  }

  async verify(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('verify', sites, (live, fail) => verifyTargets(live, fail, this.last, this.opts, progress));
  }

  async writeSerial(writes: SerialWrite[]): Promise<SiteOutcome[]> {
    const bySite = new Map(writes.map((w) => [w.site, w]));
    return this.gate('serial', [...bySite.keys()], async (live, fail) => {
      await Promise.all(
        live.map(async (l) => {
          const w = bySite.get(l.site)!;
          const end = w.offset + w.bytes.length;
          if (w.offset < 0 || end > l.capacity) {
            fail.set(l.site, { code: 'program-failed', stage: 'serial', message: `serial bytes ${w.offset}..${end} lie outside ${l.target.path} (${l.capacity} bytes)` });
            return;
          }
          try {
            await writeAll(l.handle, w.bytes, w.offset);
            await l.handle.sync();
          } catch (e) {
            fail.set(l.site, { code: 'program-failed', stage: 'serial', message: `writing serial to ${l.target.path}: ${(e as Error).message}` });
          }
        }),
      );
    });
  }

  async selectPartition(sites: number[], partition: EmmcPartition): Promise<SiteOutcome[]> {
    return this.gate('program', sites, async (live, fail) => {
      if (partition === 'user') return;
      for (const l of live) fail.set(l.site, { code: 'program-failed', stage: 'program', message: `${l.target.path} shows only the user area; a ${partition} partition is a separate device (mmcblkNboot0/1): list it as another programmer's target` });
    });
  }

  async writeExtCsd(sites: number[], fields: ExtCsdWrite[]): Promise<SiteOutcome[]> {
    return this.gate('ext-csd', sites, async (live, fail) => {
      if (fields.length === 0) return;
      for (const l of live) fail.set(l.site, { code: 'program-failed', stage: 'ext-csd', message: `EXT_CSD cannot be written through a block device (${l.target.path}); use a native eMMC programmer` });
    });
  }
}
