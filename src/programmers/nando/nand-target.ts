import { nandGeometry, type Chip, type NandGeometry } from '../../catalog/chip.js';
import { isData, type Extent } from '../../images/extent.js';
import type { ProgramTarget, Progress } from '../driver.js';
import type { FlashTarget } from '../usb/flash-target.js';
import { NandPlacement } from '../usb/nand-placement.js';
import { ReadbackCheck, SentDigest, type Mismatch, type SentRecord } from '../usb/sent-digest.js';
import type { ProgramResult } from '../usb/single-site.js';
import { SiteFail } from '../usb/site-fail.js';
import { NandoCommandError, type BadBlockReport, type NandoClient } from './client.js';
import { FLAG_INC_SPARE, FLAG_SKIP_BB, onfiConf } from './protocol.js';

/** Parallel NAND in a NANDO's TSOP48 socket: the firmware skips bad blocks; the host streams pages with flow control. */
export class NandoNandTarget implements FlashTarget {
  private readonly g: NandGeometry;
  private readonly blockBytes: number;
  private bad: number[] = [];
  private withSpare = false;

  constructor(private readonly client: NandoClient, private readonly chip: Chip) {
    this.g = nandGeometry(chip);
    this.blockBytes = this.g.pageSize * this.g.pagesPerBlock;
  }

  async prepare(): Promise<void> {
    const pages = this.g.blocks * this.g.pagesPerBlock;
    await this.cmd('program-failed', () => this.client.configure({
      pageSize: this.g.pageSize, blockSize: this.blockBytes, totalSize: this.g.blocks * this.blockBytes,
      spareSize: this.g.spareSize, bbMarkOff: this.g.badBlockMarker.spareOffset,
    }, onfiConf(pages > 65536 ? 3 : 2)));
    this.bad = [];
  }

  readId(): Promise<Uint8Array> {
    return this.client.readId();
  }

  async erase(progress: Progress): Promise<number[]> {
    const rep = await this.cmd('erase-failed', () => this.client.erase(0, this.g.blocks * this.blockBytes, FLAG_SKIP_BB, progress));
    this.bad = this.blocksOf(rep, this.blockBytes);
    new NandPlacement(this.g, this.bad, { kind: 'skip' }, false).checkMinimum();
    return this.bad;
  }

  async blankCheck(progress: Progress): Promise<void> {
    let done = 0;
    let firstDirty = -1;
    await this.cmd('blank-check-failed', () => this.client.read(0, this.g.blocks * this.blockBytes, FLAG_SKIP_BB, (b) => {
      if (firstDirty < 0) for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) { firstDirty = done + i; break; }
      done += b.length;
      progress(done);
    }, true));
    if (firstDirty >= 0) throw new SiteFail('blank-check-failed', `byte ${firstDirty} (counting good blocks only) is not erased`);
  }

  async program(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult> {
    if (target.nandScheme && target.nandScheme.kind !== 'skip') {
      throw new SiteFail('program-failed', 'the NANDO firmware places data with its skip-bad-block scheme only; a partitioned layout needs another programmer');
    }
    this.withSpare = target.withSpare ?? false;
    const place = new NandPlacement(this.g, this.bad, { kind: 'skip' }, this.withSpare);
    const pb = place.pageBytes;
    const page = new Uint8Array(pb);
    const digest = new SentDigest();
    const rep: BadBlockReport = { skipped: [], failed: [] };
    const capacity = place.goodBlocks() * place.blockBytes;
    const flags = FLAG_SKIP_BB | (this.withSpare ? FLAG_INC_SPARE : 0);
    let sentPages = 0;
    let fillTo = 0;
    let imageEnd = 0;
    const flush = async () => {
      if ((sentPages + 1) * pb > capacity) throw new SiteFail('too-many-bad-blocks', `the image needs more than the ${place.goodBlocks()} good blocks of this device`, this.bad);
      digest.addBytes(sentPages * pb, page);
      sentPages++;
      await this.client.writePage(page, sentPages * pb, rep);
      page.fill(0xff);
      fillTo = 0;
    };
    await this.cmd('program-failed', async () => {
      await this.client.writeStart(0, capacity, flags);
      page.fill(0xff);
      for await (const e of extents) {
        for (let i = 0; i < e.length; ) {
          const off = e.offset + i;
          while (Math.floor(off / pb) > sentPages) await flush();
          const col = off - sentPages * pb;
          const n = Math.min(pb - col, e.length - i);
          if (isData(e)) page.set(e.bytes.subarray(i, i + n), col);
          else page.fill(e.dontCare ? 0xff : e.fill, col, col + n);
          fillTo = col + n;
          i += n;
          if (fillTo === pb) await flush();
        }
        imageEnd = e.offset + e.length;
        progress(imageEnd);
      }
      if (fillTo > 0) await flush();
      await this.client.writeEnd(rep);
    });
    const failed = this.blocksOf({ skipped: [], failed: rep.failed }, place.blockBytes);
    if (failed.length) {
      throw new SiteFail('program-failed', `program failed in block(s) ${failed.join(', ')}`, [...new Set([...this.bad, ...failed])].sort((a, b) => a - b));
    }
    return { sent: digest.finish(imageEnd), badBlocks: this.bad };
  }

  async readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined> {
    const check = new ReadbackCheck(sent, progress);
    const flags = FLAG_SKIP_BB | (this.withSpare ? FLAG_INC_SPARE : 0);
    await this.cmd('verify-failed', () => this.client.read(0, sent.bytes, flags, (b) => check.update(b)));
    return check.result();
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    const place = new NandPlacement(this.g, this.bad, { kind: 'skip' }, this.withSpare);
    if (offset < 0 || offset + bytes.length > place.goodBlocks() * place.blockBytes) throw new SiteFail('program-failed', `serial bytes at ${offset} lie outside the device's ${place.goodBlocks()} good blocks`);
    const page = new Uint8Array(place.pageBytes);
    for (let i = 0; i < bytes.length; ) {
      const { row, column } = place.locate(offset + i);
      const n = Math.min(place.pageBytes - column, bytes.length - i);
      page.fill(0xff);
      page.set(bytes.subarray(i, i + n), column);
      const rep: BadBlockReport = { skipped: [], failed: [] };
      await this.cmd('program-failed', async () => {
        await this.client.writeStart(row * place.pageBytes, place.pageBytes, this.withSpare ? FLAG_INC_SPARE : 0);
        await this.client.writePage(page, place.pageBytes, rep);
        await this.client.writeEnd(rep);
      });
      if (rep.failed.length) throw new SiteFail('program-failed', `serial write failed at page ${row}`);
      i += n;
    }
  }

  /** Block numbers of reported byte addresses, sorted and unique. */
  private blocksOf(rep: BadBlockReport, blockBytes: number): number[] {
    return [...new Set([...rep.skipped, ...rep.failed].map((a) => Math.floor(a / blockBytes)))].sort((a, b) => a - b);
  }

  /** Runs firmware commands; a firmware error frame fails the device with `code`. */
  private async cmd<T>(code: 'program-failed' | 'erase-failed' | 'blank-check-failed' | 'verify-failed', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof NandoCommandError) throw new SiteFail(code, e.message);
      throw e;
    }
  }
}
