import { norGeometry, type Chip } from '../../catalog/chip.js';
import { isData, type Extent } from '../../images/extent.js';
import type { Progress } from '../driver.js';
import type { ProgramTarget } from '../../layout/target.js';
import type { FlashTarget } from '../usb-board/flash-target.js';
import { SentDigest, checkReadback, type Mismatch, type SentRecord } from '../usb-board/sent-digest.js';
import type { ProgramResult } from '../usb-board/single-site.js';
import { SiteFail } from '../usb-board/site-fail.js';
import type { SpiNorOps } from './spi-nor.js';

const READ_CHUNK = 1024;

import { allErased } from '../usb-board/erased.js';

export { allErased };

/** SPI NOR behind a CH341A: chip erase, page-bounded program (erased pages skipped), read back. */
export class NorTarget implements FlashTarget {
  private readonly buf = new Uint8Array(READ_CHUNK);

  constructor(private readonly ops: SpiNorOps, private readonly chip: Chip) {}

  async prepare(): Promise<void> {
    if (this.chip.capacityBytes > 16 * 1024 * 1024) await this.ops.enter4Byte();
  }

  readId(): Promise<Uint8Array> {
    return this.ops.jedecId();
  }

  async erase(progress: Progress): Promise<void> {
    await this.ops.chipErase();
    progress(this.chip.capacityBytes);
  }

  async blankCheck(progress: Progress): Promise<void> {
    for (let a = 0; a < this.chip.capacityBytes; a += READ_CHUNK) {
      const n = Math.min(READ_CHUNK, this.chip.capacityBytes - a);
      await this.ops.read(a, n, this.buf);
      if (!allErased(this.buf.subarray(0, n))) {
        const i = this.buf.subarray(0, n).findIndex((b) => b !== 0xff);
        throw new SiteFail('blank-check-failed', `byte 0x${(a + i).toString(16)} is 0x${this.buf[i].toString(16)}, not erased`);
      }
      progress(a + n);
    }
  }

  async program(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult> {
    const digest = new SentDigest();
    let done = 0;
    for await (const e of extents) {
      if (e.offset + e.length > this.chip.capacityBytes) {
        throw new SiteFail('program-failed', `the image reaches byte ${e.offset + e.length}, beyond the ${this.chip.capacityBytes}-byte ${this.chip.part}`);
      }
      if (isData(e)) {
        digest.addBytes(e.offset, e.bytes.subarray(0, e.length));
        await this.writeSpan(e.offset, e.bytes.subarray(0, e.length));
      } else if (!e.dontCare) {
        digest.addFill(e.offset, e.length, e.fill);
        if (e.fill !== 0xff) {
          const fill = digest.fillOf(e.fill);
          for (let o = 0; o < e.length; o += fill.length) await this.writeSpan(e.offset + o, fill.subarray(0, Math.min(fill.length, e.length - o)));
        }
      }
      done += e.length;
      progress(done);
    }
    void target;
    return { sent: digest.finish() };
  }

  readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined> {
    return checkReadback(sent, (off, len, into) => this.ops.read(off, len, into), READ_CHUNK, progress);
  }

  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 0 || offset + bytes.length > this.chip.capacityBytes) throw new SiteFail('program-failed', `serial bytes at ${offset} lie outside the ${this.chip.capacityBytes}-byte ${this.chip.part}`);
    await this.writeSpan(offset, bytes);
    const back = new Uint8Array(bytes.length);
    await this.ops.read(offset, bytes.length, back);
    if (back.some((b, i) => b !== bytes[i])) throw new SiteFail('program-failed', `serial bytes at 0x${offset.toString(16)} did not stick (area not erased?)`);
  }

  /** Programs `bytes` at `addr` page by page, never crossing a page boundary; all-0xFF pieces are skipped. */
  private async writeSpan(addr: number, bytes: Uint8Array): Promise<void> {
    const page = norGeometry(this.chip).pageSize;
    for (let i = 0; i < bytes.length; ) {
      const a = addr + i;
      const n = Math.min(page - (a % page), bytes.length - i);
      const piece = bytes.subarray(i, i + n);
      if (!allErased(piece)) await this.ops.pageProgram(a, piece);
      i += n;
    }
  }
}
