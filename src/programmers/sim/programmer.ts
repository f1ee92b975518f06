import zlib from 'node:zlib';
import type { Chip } from '../../catalog/chip.js';
import { DriverError } from '../../errors.js';
import type { Extent } from '../../images/extent.js';
import type { IdOutcome, Insertion, ProgrammerDriver, ProgrammerInfo, Progress, SerialWrite, SiteOutcome, Stage } from '../driver.js';
import type { ExtCsdWrite } from '../../layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../../layout/target.js';
import { crcOfFill } from '../unit-digests.js';
import { blankCheckSites, eraseSites, verifySites } from './checks.js';
import { programSites } from './program.js';
import { SimClock } from './clock.js';
import { failure, outcome, timed, type SimContext } from './context.js';
import { PARTITION_CONFIG, WRITABLE_EXT_CSD } from './emmc.js';
import { badContact, deviceFaults, linkLostAfter } from './faults.js';
import { simGeometry } from './geometry.js';
import type { SimOptions } from './options.js';
import { SimSite } from './site.js';

/** Hex string → bytes. */
function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** The simulated gang programmer: N sites, device models from the chip catalog, seeded faults, real digests. */
export class SimProgrammer implements ProgrammerDriver {
  private ctx?: SimContext;
  private idBytes: Uint8Array = new Uint8Array(0);

  constructor(readonly info: ProgrammerInfo, private readonly opts: SimOptions) {
    if (info.sites < 1 || info.sites > 16) throw new DriverError('bad-site-count', `a sim programmer has 1 to 16 sites, not ${info.sites}`);
  }

  async open(chip: Chip): Promise<void> {
    const geom = simGeometry(chip);
    const sites = Array.from({ length: this.info.sites }, (_, i) => new SimSite(i, chip, geom));
    this.ctx = { chip, geom, opts: this.opts, clock: new SimClock(this.opts.speed), sites };
    this.idBytes = hexBytes(chip.idBytes);
  }

  async close(): Promise<void> {
    this.ctx = undefined;
  }

  /** The open programmer's state (chip, geometry, sites); throws when not open. */
  protected get c(): SimContext {
    if (!this.ctx) throw new DriverError('not-open', `programmer ${this.info.serial} is not open`);
    return this.ctx;
  }

  async load(insertions: Insertion[]): Promise<void> {
    const c = this.c;
    for (const ins of insertions) {
      const site = c.sites[ins.site];
      if (!site) throw new DriverError('bad-site', `site ${ins.site} does not exist on ${this.info.serial} (sites 0..${this.info.sites - 1})`);
      const units = c.geom.units.user ?? 1;
      const faults = deviceFaults(c.chip, this.opts, ins.device, units, c.geom.unitBytes(false));
      site.insert(faults, ins.wear ?? this.opts.siteWear[ins.site] ?? 0, this.idBytes, zlib.crc32(ins.device));
      site.contactBad = badContact(this.opts, ins.device, ins.site, site.wear);
    }
    c.linkCut = linkLostAfter(this.opts, this.info.serial, insertions.map((i) => i.device));
    c.last = undefined;
  }

  async unload(): Promise<void> {
    for (const s of this.c.sites) s.remove();
    this.c.linkCut = undefined;
    this.c.last = undefined;
  }

  /** Runs one operation on the sites that hold a device and make contact; the others fail at once. */
  private async gate(stage: Stage, sites: number[], fn: (live: SimSite[]) => Promise<SiteOutcome[]>): Promise<SiteOutcome[]> {
    const c = this.c;
    const early: SiteOutcome[] = [];
    const live: SimSite[] = [];
    for (const i of sites) {
      const s = c.sites[i];
      if (!s || !s.device) early.push({ site: i, failure: failure('no-device', stage, `site ${i} holds no device`) });
      else if (s.contactBad) {
        const why = this.opts.brokenSites.includes(i) ? 'the socket is broken' : `adapter wear ${s.wear.toFixed(2)}`;
        early.push(outcome(s, failure('bad-contact', stage, `pin continuity check failed on site ${i} (${why})`)));
      } else live.push(s);
    }
    const done = live.length > 0 ? await fn(live) : [];
    return [...early, ...done].sort((a, b) => a.site - b.site);
  }

  async readId(sites: number[]): Promise<IdOutcome[]> {
    return this.gate('id', sites, async (live) => {
      await timed(this.c, 1000, 0);
      return live.map((s) => {
        let id = s.cid ? s.cid.slice() : this.idBytes.slice();
        if (s.device!.wrongChip && id.length > 0) id[s.cid ? Math.min(3, id.length - 1) : Math.min(1, id.length - 1)] ^= 0x3c;
        return { ...outcome(s), id };
      });
    });
  }

  async erase(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('erase', sites, (live) => eraseSites(this.c, live, progress));
  }

  async blankCheck(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('blank', sites, (live) => blankCheckSites(this.c, live, progress));
  }

  async program(sites: number[], extents: AsyncIterable<Extent>, target: ProgramTarget, progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('program', sites, async (live) => (await programSites(this.c, live, extents, target, progress)).outcomes);
  }

  async verify(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.gate('verify', sites, (live) => verifySites(this.c, live, progress));
  }

  async writeSerial(writes: SerialWrite[]): Promise<SiteOutcome[]> {
    const c = this.c;
    const bySite = new Map(writes.map((w) => [w.site, w]));
    return this.gate('serial', [...bySite.keys()], async (live) => {
      const unitBytes = c.last?.partition === 'user' ? c.last.unitBytes : c.geom.unitBytes(false);
      const capacity = c.geom.partitionBytes('user', unitBytes !== c.geom.unitBytes(false));
      let bytes = 0;
      const out = live.map((s) => {
        const w = bySite.get(s.index)!;
        const end = w.offset + w.bytes.length;
        if (w.offset < 0 || end > capacity) return outcome(s, failure('program-failed', 'serial', `serial bytes ${w.offset}..${end} lie outside the ${capacity}-byte user area`));
        bytes = Math.max(bytes, w.bytes.length);
        const media = s.media.user!;
        for (let u = Math.floor(w.offset / unitBytes); u * unitBytes < end; u++) {
          const phys = s.map && s.map[u] >= 0 ? s.map[u] : u;
          if (s.bad && s.bad[phys] === 1) return outcome(s, failure('program-failed', 'serial', `serial bytes fall in bad block ${phys}`));
          const from = Math.max(w.offset, u * unitBytes);
          const to = Math.min(end, (u + 1) * unitBytes);
          const part = w.bytes.subarray(from - w.offset, to - w.offset);
          const rel = from - u * unitBytes;
          // Erased unit: the exact digest of erased bytes around the serial. Programmed unit: a digest of the old
          // digest, the place and the new bytes (the sim keeps digests, not contents).
          const crc = media.isWritten(phys)
            ? zlib.crc32(part, zlib.crc32(Uint8Array.of(rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, rel >>> 24), media.digest(phys)))
            : crcOfFill(c.geom.erasedValue, unitBytes - rel - part.length, zlib.crc32(part, crcOfFill(c.geom.erasedValue, rel)));
          media.write(phys, crc);
        }
        return outcome(s);
      });
      c.clock.start();
      await timed(c, c.geom.programUs(bytes, false), 0);
      return out;
    });
  }

  async selectPartition(sites: number[], partition: EmmcPartition): Promise<SiteOutcome[]> {
    return this.gate('program', sites, async (live) =>
      live.map((s) => {
        if (!s.extCsd) {
          return outcome(s, partition === 'user' ? undefined : failure('program-failed', 'program', `${this.c.chip.part} is not an eMMC: no ${partition} partition`));
        }
        if (!s.media[partition]) return outcome(s, failure('program-failed', 'program', `${this.c.chip.part} has no ${partition} partition`));
        s.extCsd[PARTITION_CONFIG] = (s.extCsd[PARTITION_CONFIG] & ~7) | { user: 0, boot1: 1, boot2: 2 }[partition];
        return outcome(s);
      }),
    );
  }

  async writeExtCsd(sites: number[], fields: ExtCsdWrite[]): Promise<SiteOutcome[]> {
    return this.gate('ext-csd', sites, async (live) =>
      live.map((s) => {
        if (!s.extCsd) return outcome(s, failure('program-failed', 'ext-csd', `${this.c.chip.part} is not an eMMC: it has no EXT_CSD`));
        for (const f of fields) {
          if (!WRITABLE_EXT_CSD.has(f.index)) return outcome(s, failure('program-failed', 'ext-csd', `EXT_CSD[${f.index}] is not writable (SWITCH_ERROR)`));
          if (!Number.isInteger(f.value) || f.value < 0 || f.value > 255) return outcome(s, failure('program-failed', 'ext-csd', `EXT_CSD[${f.index}] value ${f.value} is not a byte`));
          s.extCsd[f.index] = f.value;
          if (s.extCsd[f.index] !== f.value) return outcome(s, failure('program-failed', 'ext-csd', `EXT_CSD[${f.index}] reads back ${s.extCsd[f.index]}`));
        }
        return outcome(s);
      }),
    );
  }
}
