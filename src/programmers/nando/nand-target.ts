import { nandGeometry, type Chip, type NandGeometry } from '../../catalog/chip.js';
import { isData, type Extent } from '../../images/extent.js';
import type { Progress } from '../driver.js';
import type { ProgramTarget } from '../../layout/target.js';
import type { FlashTarget } from '../usb-board/flash-target.js';
import { NandPlacement } from '../usb-board/nand-placement.js';
import type { Pacer } from '../usb-board/pacer.js';
import { ReadbackCheck, SentDigest, type Mismatch, type SentRecord } from '../usb-board/sent-digest.js';
import type { ProgramResult } from '../usb-board/single-site.js';
import { SiteFail } from '../usb-board/site-fail.js';
import { allErased } from '../usb-board/erased.js';
import { NandoCommandError, type NandoClient } from './client.js';
import { goodRuns, rowRuns } from './good-runs.js';
import { FLAG_INC_SPARE, NANDO_ERR_BBT_OVERFLOW, NANDO_WRITE_ERRORS, onfiConf } from './protocol.js';
import { NandoWriteSession } from './write-session.js';

type StepCode = 'program-failed' | 'erase-failed' | 'blank-check-failed' | 'verify-failed';

/**
 * Parallel NAND in a NANDO's TSOP48 socket, with bad blocks handled on the host: the firmware's own table holds only
 * 20 blocks (nand_bad_block.c; error 113 beyond) and learns only marker-bad blocks, not erase failures, so its
 * skip-bad-block flag is never set. The host reads the markers (READ_BB, or page by page when the table overflows),
 * erases, checks, writes and reads back runs of good blocks at their physical addresses, placed by NandPlacement.
 */
export class NandoNandTarget implements FlashTarget {
  private readonly g: NandGeometry;
  private readonly blockBytes: number;
  /** Datasheet page program time with margin (typical × 3, at least 1 ms): the wait after WRITE_E. */
  private readonly settleMs: number;
  private bad: number[] | undefined;
  private withSpare = false;
  /** Highest page programmed in each block this cycle (-1: none), for the in-order rule of MLC parts. */
  private highest: Int32Array;

  constructor(private readonly client: NandoClient, chip: Chip, private readonly pacer: Pacer) {
    this.g = nandGeometry(chip);
    this.blockBytes = this.g.pageSize * this.g.pagesPerBlock;
    this.settleMs = Math.max(1, ((chip.timings.tProgUs ?? 700) / 1000) * 3);
    this.highest = new Int32Array(this.g.blocks).fill(-1);
  }

  async prepare(): Promise<void> {
    const pages = this.g.blocks * this.g.pagesPerBlock;
    await this.cmd('program-failed', () => this.client.configure({
      pageSize: this.g.pageSize, blockSize: this.blockBytes, totalSize: this.g.blocks * this.blockBytes,
      spareSize: this.g.spareSize, bbMarkOff: this.g.badBlockMarker.spareOffset,
    }, onfiConf(pages > 65536 ? 3 : 2)));
    this.bad = undefined;
    this.highest.fill(-1);
  }

  readId(): Promise<Uint8Array> {
    return this.client.readId();
  }

  /** Factory bad blocks by their markers: the firmware's READ_BB, or a host scan of the marker pages when its table overflows. */
  async badBlocks(): Promise<number[]> {
    if (this.bad) return this.bad;
    let bad: number[];
    try {
      bad = [...new Set((await this.client.readBadBlocks()).map((a) => Math.floor(a / this.blockBytes)))];
    } catch (e) {
      if (!(e instanceof NandoCommandError && e.code === NANDO_ERR_BBT_OVERFLOW)) throw e;
      bad = await this.scanMarkers();
    }
    this.bad = bad.sort((a, b) => a - b);
    return this.bad;
  }

  /** Reads the marker byte of each marker page (page + spare, no firmware flags). */
  private async scanMarkers(): Promise<number[]> {
    const pb = this.g.pageSize + this.g.spareSize;
    const at = this.g.pageSize + this.g.badBlockMarker.spareOffset;
    const bad: number[] = [];
    for (let b = 0; b < this.g.blocks; b++) {
      for (const p of this.g.badBlockMarker.pages) {
        let seen = 0;
        let mark = 0xff;
        await this.client.read((b * this.g.pagesPerBlock + p) * pb, pb, FLAG_INC_SPARE, (d) => {
          if (at >= seen && at < seen + d.length) mark = d[at - seen];
          seen += d.length;
        });
        if (mark !== 0xff) {
          bad.push(b);
          break;
        }
      }
    }
    return bad;
  }

  async erase(progress: Progress): Promise<number[]> {
    const bad = await this.cmd('erase-failed', () => this.badBlocks());
    const failed: number[] = [];
    for (const run of goodRuns(this.g.blocks, bad)) {
      const start = run.first * this.blockBytes;
      const rep = await this.cmd('erase-failed', () => this.client.erase(start, run.count * this.blockBytes, 0, (done) => progress(start + done)));
      for (const a of rep.failed) failed.push(Math.floor(a / this.blockBytes));
    }
    this.bad = [...new Set([...bad, ...failed])].sort((a, b) => a - b);
    new NandPlacement(this.g, this.bad, { kind: 'skip' }, false).checkMinimum();
    return this.bad;
  }

  async blankCheck(progress: Progress): Promise<void> {
    const bad = await this.cmd('blank-check-failed', () => this.badBlocks());
    let done = 0;
    for (const run of goodRuns(this.g.blocks, bad)) {
      let off = run.first * this.blockBytes;
      let dirty = -1;
      await this.cmd('blank-check-failed', () => this.client.read(off, run.count * this.blockBytes, 0, (b) => {
        if (dirty < 0) for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) { dirty = off + i; break; }
        off += b.length;
        done += b.length;
        progress(done);
      }));
      if (dirty >= 0) throw new SiteFail('blank-check-failed', `byte 0x${dirty.toString(16)} (block ${Math.floor(dirty / this.blockBytes)}) is not erased`);
    }
  }

  async program(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult> {
    if (target.nandScheme && target.nandScheme.kind !== 'skip') {
      throw new SiteFail('program-failed', 'the NANDO driver places data with the skip-bad-block scheme only; a partitioned layout needs another programmer');
    }
    const bad = await this.cmd('program-failed', () => this.badBlocks());
    this.withSpare = target.withSpare ?? false;
    const place = new NandPlacement(this.g, bad, { kind: 'skip' }, this.withSpare);
    const pb = place.pageBytes;
    const page = new Uint8Array(pb);
    const digest = new SentDigest();
    const session = this.session(place);
    const capacity = place.goodBlocks() * place.blockBytes;
    let sentPages = 0;
    let fillTo = 0;
    let imageEnd = 0;
    const flush = async () => {
      if ((sentPages + 1) * pb > capacity) throw new SiteFail('too-many-bad-blocks', `the image needs more than the ${place.goodBlocks()} good blocks of this device`, bad);
      digest.addBytes(sentPages * pb, page);
      // An erased page is left alone: it stays free for a later partial program (serial) within the part's NOP.
      if (!allErased(page)) await this.programPage(session, place.locate(sentPages * pb).row, page);
      sentPages++;
      page.fill(0xff);
      fillTo = 0;
    };
    await this.cmd('program-failed', async () => {
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
      await session.close();
    });
    const failed = [...new Set(session.failedRows().map((r) => Math.floor(r / this.g.pagesPerBlock)))].sort((a, b) => a - b);
    if (failed.length) {
      throw new SiteFail('program-failed', `program failed in block(s) ${failed.join(', ')}`, [...new Set([...bad, ...failed])].sort((a, b) => a - b));
    }
    return { sent: digest.finish(imageEnd), badBlocks: bad };
  }

  async readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined> {
    const bad = await this.cmd('verify-failed', () => this.badBlocks());
    const place = new NandPlacement(this.g, bad, { kind: 'skip' }, this.withSpare);
    const pb = place.pageBytes;
    const rows = function* () {
      for (let i = 0; i * pb < sent.bytes; i++) yield place.locate(i * pb).row;
    };
    const check = new ReadbackCheck(sent, progress);
    const flags = this.withSpare ? FLAG_INC_SPARE : 0;
    for (const run of rowRuns(rows())) {
      await this.cmd('verify-failed', () => this.client.read(run.first * pb, run.count * pb, flags, (b) => check.update(b)));
    }
    return check.result();
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    const bad = await this.cmd('program-failed', () => this.badBlocks());
    const place = new NandPlacement(this.g, bad, { kind: 'skip' }, this.withSpare);
    if (offset < 0 || offset + bytes.length > place.goodBlocks() * place.blockBytes) throw new SiteFail('program-failed', `serial bytes at ${offset} lie outside the device's ${place.goodBlocks()} good blocks`);
    const page = new Uint8Array(place.pageBytes);
    const session = this.session(place);
    for (let i = 0; i < bytes.length; ) {
      const { row, column } = place.locate(offset + i);
      const n = Math.min(place.pageBytes - column, bytes.length - i);
      page.fill(0xff);
      page.set(bytes.subarray(i, i + n), column);
      const ppb = this.g.pagesPerBlock;
      if (this.g.protocol?.inOrderPages && row % ppb <= this.highest[Math.floor(row / ppb)]) {
        throw new SiteFail('program-failed', `serial bytes at ${offset + i} fall in page ${row % ppb} of block ${Math.floor(row / ppb)}, at or below a page already programmed; this part programs the pages of a block in order, so put the serial after the image's last page in its block`);
      }
      await this.cmd('program-failed', async () => {
        await this.programPage(session, row, page);
        await session.close();
      });
      if (session.failedRows().length) throw new SiteFail('program-failed', `serial write failed at page ${row}`);
      i += n;
    }
  }

  /** Programs one page through the session and notes it for the in-order rule. */
  private async programPage(session: NandoWriteSession, row: number, page: Uint8Array): Promise<void> {
    await session.page(row, page);
    const b = Math.floor(row / this.g.pagesPerBlock);
    this.highest[b] = Math.max(this.highest[b], row % this.g.pagesPerBlock);
  }

  /** A write session over `place`'s pages; a session never runs past the end of its good-block run. */
  private session(place: NandPlacement): NandoWriteSession {
    const ppb = this.g.pagesPerBlock;
    const bad = new Set(this.bad ?? []);
    const endRow = (row: number) => {
      let b = Math.floor(row / ppb) + 1;
      while (b < this.g.blocks && !bad.has(b)) b++;
      return b * ppb;
    };
    return new NandoWriteSession(this.client, this.pacer, place.pageBytes, this.withSpare ? FLAG_INC_SPARE : 0, endRow, this.settleMs);
  }

  /** Runs firmware commands; a firmware error frame fails the device with `code` (a page program error always as program-failed). */
  private async cmd<T>(code: StepCode, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof NandoCommandError) throw new SiteFail(NANDO_WRITE_ERRORS.has(e.code) ? 'program-failed' : code, e.message);
      throw e;
    }
  }
}
