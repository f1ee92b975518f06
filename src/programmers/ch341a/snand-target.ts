import { nandGeometry, type Chip, type NandGeometry } from '../../catalog/chip.js';
import { isData, type Extent } from '../../images/extent.js';
import type { Progress } from '../driver.js';
import type { ProgramTarget } from '../../layout/target.js';
import type { FlashTarget } from '../usb-board/flash-target.js';
import { NandPlacement } from '../usb-board/nand-placement.js';
import { SentDigest, checkReadback, type Mismatch, type SentRecord } from '../usb-board/sent-digest.js';
import type { ProgramResult } from '../usb-board/single-site.js';
import { SiteFail } from '../usb-board/site-fail.js';
import { allErased } from './nor-target.js';
import type { SpiNandOps } from './spi-nand.js';

/**
 * SPI NAND behind a CH341A: factory bad blocks read from the spare-area marker, bad blocks never erased, image blocks
 * placed by NandPlacement (skip or partitions), pages loaded into the cache and executed, read back page by page.
 */
export class SnandTarget implements FlashTarget {
  private readonly g: NandGeometry;
  private readonly page: Uint8Array;
  private bad: number[] | undefined;
  private placement: NandPlacement | undefined;

  constructor(private readonly ops: SpiNandOps, chip: Chip) {
    this.g = nandGeometry(chip);
    this.page = new Uint8Array(this.g.pageSize + this.g.spareSize);
  }

  async prepare(): Promise<void> {
    await this.ops.reset();
    await this.ops.unlockAll();
    await this.ops.configure();
    this.bad = undefined;
  }

  readId(): Promise<Uint8Array> {
    return this.ops.readId();
  }

  /** Bad blocks by their factory marker (first spare byte ≠ 0xFF on a marker page); read once per cycle. */
  async badBlocks(): Promise<number[]> {
    if (this.bad) return this.bad;
    const bad: number[] = [];
    const mark = new Uint8Array(1);
    for (let b = 0; b < this.g.blocks; b++) {
      for (const p of this.g.badBlockMarker.pages) {
        await this.ops.pageRead(b * this.g.pagesPerBlock + p);
        await this.ops.readCache(this.g.pageSize + this.g.badBlockMarker.spareOffset, 1, mark);
        if (mark[0] !== 0xff) {
          bad.push(b);
          break;
        }
      }
    }
    this.bad = bad;
    return bad;
  }

  async erase(progress: Progress): Promise<number[]> {
    const bad = [...(await this.badBlocks())];
    const skip = new Set(bad);
    for (let b = 0; b < this.g.blocks; b++) {
      if (!skip.has(b) && !(await this.ops.blockErase(b * this.g.pagesPerBlock))) bad.push(b);
      progress((b + 1) * this.g.pagesPerBlock * this.g.pageSize);
    }
    bad.sort((a, b) => a - b);
    this.bad = bad;
    new NandPlacement(this.g, bad, { kind: 'skip' }, false).checkMinimum();
    return bad;
  }

  async blankCheck(progress: Progress): Promise<void> {
    const skip = new Set(await this.badBlocks());
    const n = this.page.length;
    for (let b = 0; b < this.g.blocks; b++) {
      if (skip.has(b)) continue;
      for (let p = 0; p < this.g.pagesPerBlock; p++) {
        const row = b * this.g.pagesPerBlock + p;
        await this.ops.pageRead(row);
        await this.ops.readCache(0, n, this.page);
        if (!allErased(this.page)) throw new SiteFail('blank-check-failed', `page ${row} (block ${b}) is not erased`);
      }
      progress((b + 1) * this.g.pagesPerBlock * this.g.pageSize);
    }
  }

  async program(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult> {
    const bad = await this.badBlocks();
    const place = new NandPlacement(this.g, bad, target.nandScheme ?? { kind: 'skip' }, target.withSpare ?? false);
    this.placement = place;
    const pb = place.pageBytes;
    const buf = this.page.subarray(0, pb);
    const digest = new SentDigest();
    let cur = -1;
    const flush = async () => {
      if (cur < 0) return;
      digest.addBytes(cur * pb, buf);
      if (!allErased(buf)) {
        const { row } = place.locate(cur * pb);
        if (!(await this.ops.programPage(row, 0, buf))) {
          throw new SiteFail('program-failed', `program failed (P_FAIL) at page ${row}: block ${Math.floor(row / this.g.pagesPerBlock)} went bad`, [...bad, Math.floor(row / this.g.pagesPerBlock)].sort((a, b) => a - b));
        }
      }
      cur = -1;
    };
    let done = 0;
    for await (const e of extents) {
      const fill = isData(e) ? -1 : e.fill;
      if (!isData(e) && e.dontCare) {
        done += e.length;
        progress(done);
        continue;
      }
      for (let i = 0; i < e.length; ) {
        const off = e.offset + i;
        const pageIdx = Math.floor(off / pb);
        if (pageIdx !== cur) {
          await flush();
          cur = pageIdx;
          buf.fill(0xff);
        }
        const col = off - pageIdx * pb;
        const n = Math.min(pb - col, e.length - i);
        if (isData(e)) buf.set(e.bytes.subarray(i, i + n), col);
        else buf.fill(fill, col, col + n);
        i += n;
      }
      done += e.length;
      progress(done);
    }
    await flush();
    return { sent: digest.finish(done), badBlocks: bad };
  }

  readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined> {
    const place = this.placement;
    if (!place) throw new SiteFail('verify-failed', 'nothing was programmed to verify');
    return checkReadback(sent, async (off, len, into) => {
      const { row, column } = place.locate(off);
      const ecc = await this.ops.pageRead(row);
      if (ecc >= 2) throw new SiteFail('verify-failed', `uncorrectable ECC error reading page ${row}`);
      await this.ops.readCache(column, len, into);
    }, place.pageBytes, progress);
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    const place = this.placement ?? new NandPlacement(this.g, await this.badBlocks(), { kind: 'skip' }, false);
    if (offset < 0 || offset + bytes.length > place.goodBlocks() * place.blockBytes) throw new SiteFail('program-failed', `serial bytes at ${offset} lie outside the device's ${place.goodBlocks()} good blocks`);
    for (let i = 0; i < bytes.length; ) {
      const { row, column } = place.locate(offset + i);
      const n = Math.min(place.pageBytes - column, bytes.length - i);
      if (!(await this.ops.programPage(row, column, bytes.subarray(i, i + n)))) throw new SiteFail('program-failed', `serial write failed (P_FAIL) at page ${row}`);
      i += n;
    }
  }
}
