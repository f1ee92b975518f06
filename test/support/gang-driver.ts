import type { Chip } from '../../src/catalog/chip.js';
import type { Extent } from '../../src/images/extent.js';
import type { IdOutcome, Insertion, ProgrammerDriver, ProgrammerInfo, Progress, SerialWrite, SiteOutcome } from '../../src/programmers/driver.js';
import type { ExtCsdWrite } from '../../src/layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../../src/layout/target.js';
import { broadcast } from './broadcast.js';

/**
 * Several one-socket USB programmers driven as one gang programmer: site k is board k. Operations run on all listed
 * boards at once; program() reads the image stream once and gives each extent to every board.
 */
export class GangDriver implements ProgrammerDriver {
  readonly info: ProgrammerInfo;

  constructor(info: Omit<ProgrammerInfo, 'sites'>, private readonly boards: ProgrammerDriver[]) {
    this.info = { ...info, sites: boards.length };
  }

  async open(chip: Chip): Promise<void> {
    for (let i = 0; i < this.boards.length; i++) {
      try {
        await this.boards[i].open(chip);
      } catch (e) {
        for (let j = 0; j < i; j++) await this.boards[j].close();
        throw e;
      }
    }
  }

  async close(): Promise<void> {
    for (const b of this.boards) await b.close();
  }

  async load(insertions: Insertion[]): Promise<void> {
    await Promise.all(this.boards.map((b, k) => b.load(insertions.filter((i) => i.site === k).map((i) => ({ ...i, site: 0 })))));
  }

  async unload(): Promise<void> {
    await Promise.all(this.boards.map((b) => b.unload()));
  }

  readId(sites: number[]): Promise<IdOutcome[]> {
    return this.each(sites, (b) => b.readId([0]));
  }

  erase(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.each(sites, (b, i) => b.erase([0], i === 0 ? progress : undefined));
  }

  blankCheck(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.each(sites, (b, i) => b.blankCheck([0], i === 0 ? progress : undefined));
  }

  program(sites: number[], extents: AsyncIterable<Extent>, target: ProgramTarget, progress?: Progress): Promise<SiteOutcome[]> {
    const valid = sites.filter((s) => this.boards[s]);
    const { streams, leave } = broadcast(extents, valid.length);
    let done = 0;
    const counted = async function* (s: AsyncIterable<Extent>) {
      for await (const e of s) {
        yield e;
        done = Math.max(done, e.offset + e.length);
        progress?.(done);
      }
    };
    return this.each(sites, (b, i) => b.program([0], i === 0 ? counted(streams[i]) : streams[i], target).finally(() => leave(i)));
  }

  verify(sites: number[], progress?: Progress): Promise<SiteOutcome[]> {
    return this.each(sites, (b, i) => b.verify([0], i === 0 ? progress : undefined));
  }

  async writeSerial(writes: SerialWrite[]): Promise<SiteOutcome[]> {
    return this.each(writes.map((w) => w.site), (b, i) => b.writeSerial([{ ...writes[i], site: 0 }]));
  }

  selectPartition(sites: number[], partition: EmmcPartition): Promise<SiteOutcome[]> {
    return this.each(sites, (b) => b.selectPartition([0], partition));
  }

  writeExtCsd(sites: number[], fields: ExtCsdWrite[]): Promise<SiteOutcome[]> {
    return this.each(sites, (b) => b.writeExtCsd([0], fields));
  }

  /** Runs `fn` on every listed board at once and renumbers the outcomes to gang sites. */
  private async each<T extends SiteOutcome>(sites: number[], fn: (b: ProgrammerDriver, i: number) => Promise<T[]>): Promise<T[]> {
    const valid = sites.filter((s) => this.boards[s]);
    const results = await Promise.all(valid.map((s, i) => fn(this.boards[s], i)));
    const bySite = new Map(valid.map((s, i) => [s, { ...results[i][0], site: s }]));
    return sites.map((s) => bySite.get(s) ?? ({ site: s, failure: { code: 'no-device', stage: 'id', message: `site ${s} does not exist on this ${this.boards.length}-board gang` } } as T));
  }
}
