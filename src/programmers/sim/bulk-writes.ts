import type { SiteFailure } from '../driver.js';
import type { UnitDigest } from '../unit-digests.js';
import { failure, type ProgramRecord } from './context.js';
import type { SimSite } from './site.js';

/** One site of a program stream as the bulk writes see it (program.ts's per-site state). */
export interface BulkWriter {
  site: SimSite;
  failure?: SiteFailure;
  wroteAny: boolean;
}

/**
 * What the bulk writers (eMMC sites: no placement, no overwrite check) write, recorded once per stream instead of per
 * unit and site: every unit sent holds the stream's digest, except the units a tap changed for one site. The first
 * sent unit fails a `program-failed` device before anything is written to it, as `writeUnit` does.
 */
export class BulkWrites {
  private started = false;
  /** [site index, unit, crc] of units a site wrote differently (taps). */
  private readonly tapped: [number, number, number][] = [];

  constructor(private readonly writers: BulkWriter[]) {}

  /** Takes one unit of the stream that sent bytes. */
  unit(d: UnitDigest): void {
    if (!this.started) {
      this.started = true;
      for (const w of this.writers) {
        if (w.failure) continue;
        if (w.site.device?.defect === 'program-failed') w.failure = failure('program-failed', 'program', `program status FAIL at unit ${d.unit} (first page written)`);
        else w.wroteAny = true;
      }
    }
    if (!d.taps) return;
    for (const w of this.writers) {
      const crc = d.taps.get(w.site.index);
      if (!w.failure && crc !== undefined && crc !== d.crc) this.tapped.push([w.site.index, d.unit, crc]);
    }
  }

  /** Records the stream's units [0, rec.units) on every bulk writer that wrote anything. */
  record(rec: ProgramRecord): void {
    const ranges: number[] = [];
    for (let u = 0; u < rec.units; u++) {
      if (rec.sent[u] === 0) continue;
      if (ranges.length > 0 && ranges[ranges.length - 1] === u) ranges[ranges.length - 1] = u + 1;
      else ranges.push(u, u + 1);
    }
    for (const w of this.writers) {
      if (!w.wroteAny) continue;
      const media = w.site.media[rec.partition]!;
      for (let i = 0; i < ranges.length; i += 2) media.writeSharedRange(ranges[i], ranges[i + 1], rec.crc);
      for (const [site, u, crc] of this.tapped) if (site === w.site.index) media.write(u, crc);
    }
  }
}
