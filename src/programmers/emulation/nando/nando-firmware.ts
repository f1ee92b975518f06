import { CMD, FLAG_INC_SPARE, FLAG_SKIP_BB, RESP_DATA, RESP_STATUS, ST } from '../../nando/protocol.js';
import type { SimClock } from '../clock.js';
import type { ParallelNandChip } from './parallel-nand.js';
import { bbFrame, errorFrame, u64Frame } from './firmware-frames.js';

/** Chip facts and HAL configuration CONF gave the firmware. */
interface Conf {
  page: number; block: number; total: number; spare: number; bbOff: number;
  rowCycles: number; colCycles: number; read1: number; read2: number; readId: number; write1: number; write2: number;
  erase1: number; erase2: number; status: number;
  /** Milliseconds of one FSMC data cycle (setup + wait + hold + 3 HCLK cycles at 72 MHz, an estimate of the STM32F103 bus). */
  byteMs: number;
}

/** Error codes the firmware sends (positive). */
const E = { addrExceeded: 100, addrInvalid: 101, notAligned: 102, nandWrite: 103, chipNotConf: 106, dataSize: 107, invalid: 108, lenNotAligned: 110, lenExceeded: 111, lenInvalid: 112, bbtOverflow: 113 };

/** Entries of the firmware's bad-block table (nand_bad_block.c: NAND_BAD_BLOCK_TABLE_SIZE). */
export const NANDO_BBT_ENTRIES = 20;
/**
 * Virtual time after which the firmware gives up on a program that never finishes (nand_programmer.c counts
 * NP_NAND_TIMEOUT = 0x1000000 status polls; modelled as one second).
 */
export const NANDO_WRITE_TIMEOUT_MS = 1000;

/**
 * The NANDO firmware's command handling, re-implemented from its documented behaviour: one command per USB packet,
 * answers as frames, the chip driven through command/address/data cycles with the command bytes CONF configured.
 * Frames go to `send` (each one IN packet); long answers (READ) are produced lazily as the host pulls them.
 * Held to the firmware's limits (nand_programmer.c, nand_bad_block.c): the bad-block table has 20 entries and a scan
 * that finds more answers error 113; only marker-bad blocks enter the table (an erase failure is reported, not
 * remembered); a page program runs asynchronously, its status is collected when the next page starts or by the main
 * loop, and a failure is reported at the write address already advanced past the failed page, possibly after
 * WRITE_E's OK; a program that never finishes is reported by the main loop as error 153 ((uint8) -103).
 */
export class NandoFirmware {
  private conf: Conf | undefined;
  private bbt: Set<number> | undefined;
  /**
   * How long the firmware just worked without sending a frame: the whole-chip marker scan that the first command with
   * the skip-bad-blocks flag runs (np_read_bad_block_info_from_page reads page + spare of each marker page when the
   * CONF has no spare-read command). A host that waits less than this for the answer times out.
   */
  silentMs = 0;
  /** The write address (prog->addr) and the program in flight, kept across WRITE_E as the firmware keeps them. */
  private prog = { addr: 0, block: 0, inFlight: false, since: 0 };
  private w: { addr: number; len: number; page: Uint8Array; pageNo: number; off: number; pb: number; bb: number; total: number; written: number; acked: number; skip: boolean } | undefined;

  constructor(private readonly clock: SimClock, private chip: () => ParallelNandChip | undefined, private readonly send: (frame: Uint8Array) => void, private readonly later: (gen: Iterator<Uint8Array>) => void) {}

  /** The firmware's main loop between packets: collects the status of a program in flight once the chip is ready. */
  poll(): void {
    const chip = this.chip();
    if (!this.prog.inFlight || !chip) return;
    if (chip.readyAt() > this.clock.now()) {
      if (this.clock.now() - this.prog.since < NANDO_WRITE_TIMEOUT_MS) return;
      this.prog.inFlight = false;
      this.send(errorFrame((256 - E.nandWrite) & 0xff));
      return;
    }
    this.collect();
  }

  /** Waits for the program in flight; a failure is reported at the (already advanced) write address. False on timeout. */
  private collect(): boolean {
    this.prog.inFlight = false;
    const chip = this.chip();
    if (chip && chip.readyAt() - this.prog.since > NANDO_WRITE_TIMEOUT_MS) {
      this.clock.advance(this.prog.since + NANDO_WRITE_TIMEOUT_MS - this.clock.now());
      return false;
    }
    if (this.waitStatus() & 0x01) this.send(bbFrame(this.prog.addr, this.prog.block, false));
    return true;
  }

  /** Handles one received USB packet. */
  packet(p: Uint8Array): void {
    this.poll();
    const code = p[0];
    if (code > 0x0c) return this.error(E.invalid);
    if (code !== CMD.conf && code !== CMD.version && !this.conf) return this.error(E.chipNotConf);
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const range = () => (p.length < 18 ? undefined : { addr: Number(v.getBigUint64(1, true)), len: Number(v.getBigUint64(9, true)), flags: p[17] });
    switch (code) {
      case CMD.conf: return this.configure(p, v);
      case CMD.version: return this.send(Uint8Array.of(RESP_DATA, 4, 3, 4, 0, 0));
      case CMD.readId: return this.readId();
      case CMD.readBadBlocks: return this.readBadBlocks();
      case CMD.erase: { const r = range(); return r ? this.erase(r.addr, r.len, r.flags) : this.error(E.lenInvalid); }
      case CMD.read: { const r = range(); return r ? this.read(r.addr, r.len, r.flags) : this.error(E.lenInvalid); }
      case CMD.writeStart: { const r = range(); return r ? this.writeStart(r.addr, r.len, r.flags) : this.error(E.lenInvalid); }
      case CMD.writeData: return this.writeData(p);
      case CMD.writeEnd: return this.writeEnd();
      default: return this.error(E.invalid);
    }
  }

  private configure(p: Uint8Array, v: DataView): void {
    if (p.length < 23 + 22) return this.error(E.lenInvalid);
    const h = (i: number) => p[23 + i];
    this.conf = {
      page: v.getUint32(2, true), block: v.getUint32(6, true), total: Number(v.getBigUint64(10, true)), spare: v.getUint32(18, true), bbOff: p[22],
      rowCycles: h(6), colCycles: h(7), read1: h(8), read2: h(9), readId: h(11), write1: h(13), write2: h(14), erase1: h(15), erase2: h(16), status: h(17),
      byteMs: (h(0) + h(1) + h(2) + 3) / 72_000,
    };
    this.bbt = undefined;
    this.silentMs = 0;
    this.chip()?.command(0xff);
    this.ok();
  }

  private ok(): void {
    this.send(Uint8Array.of(RESP_STATUS, ST.ok));
  }
  private error(code: number): void {
    this.w = undefined;
    this.send(errorFrame(code));
  }

  /** Waits for R/B# (virtual time) and reads the status byte. */
  private waitStatus(): number {
    const chip = this.chip();
    if (!chip) return 0xff;
    this.clock.advance(Math.max(0, chip.readyAt() - this.clock.now()));
    chip.command(this.conf!.status);
    return chip.readByte();
  }
  private addrCycles(col: number, row: number, withCol: boolean): void {
    const chip = this.chip()!;
    if (withCol) for (let i = 0; i < this.conf!.colCycles; i++) chip.address((col >>> (8 * i)) & 0xff);
    for (let i = 0; i < this.conf!.rowCycles; i++) chip.address(Math.floor(row / 256 ** i) & 0xff);
  }
  /** Reads `len` bytes of page `row` into `into`; false when no chip answers. */
  private readPage(row: number, into: Uint8Array, len: number): boolean {
    const chip = this.chip();
    if (!chip) { into.fill(0xff, 0, len); return false; }
    chip.command(this.conf!.read1);
    this.addrCycles(0, row, true);
    chip.command(this.conf!.read2);
    this.clock.advance(Math.max(0, chip.readyAt() - this.clock.now()));
    for (let i = 0; i < len; i++) into[i] = chip.readByte();
    this.clock.advance(len * this.conf!.byteMs);
    return true;
  }

  private readId(): void {
    const chip = this.chip();
    const id = new Uint8Array(7).fill(0xff);
    id[0] = RESP_DATA; id[1] = 5;
    if (chip) {
      chip.command(this.conf!.readId);
      chip.address(0x00);
      for (let i = 0; i < 5; i++) id[2 + i] = chip.readByte();
    }
    this.send(id);
  }

  /** Bad block = marker byte ≠ 0xFF in the spare area of the first or second page of the block; undefined when the 20-entry table overflows. */
  private scan(progress: boolean): Set<number> | undefined {
    const c = this.conf!;
    const ppb = c.block / c.page;
    const buf = new Uint8Array(c.page + c.spare);
    const bad = new Set<number>();
    for (let b = 0; b < c.total / c.block; b++) {
      if (progress) this.send(u64Frame(ST.progress, b * ppb, 10));
      for (const p of [0, 1]) {
        this.readPage(b * ppb + p, buf, c.page + c.spare);
        if (buf[c.page + c.bbOff] !== 0xff) {
          if (bad.size === NANDO_BBT_ENTRIES) return undefined;
          bad.add(b * ppb);
          break;
        }
      }
    }
    return bad;
  }

  /** The bad-block table, scanned on first use; false (error 113 sent) when it overflows. */
  private table(progress: boolean): boolean {
    if (this.bbt) return true;
    const t0 = this.clock.now();
    this.bbt = this.scan(progress);
    if (!progress) this.silentMs = this.clock.now() - t0;
    if (this.bbt) return true;
    this.error(E.bbtOverflow);
    return false;
  }

  private readBadBlocks(): void {
    this.bbt = undefined;
    if (!this.table(true)) return;
    for (const page of this.bbt!) this.send(bbFrame(page * this.conf!.page, this.conf!.block, false));
    this.ok();
  }

  private sizes(flags: number): { pb: number; bb: number; total: number; ppb: number } {
    const c = this.conf!;
    const ppb = c.block / c.page;
    const pb = flags & FLAG_INC_SPARE ? c.page + c.spare : c.page;
    return { pb, bb: pb * ppb, total: (c.total / c.page) * pb, ppb };
  }

  private erase(addr: number, len: number, flags: number): void {
    const { pb, bb, total, ppb } = this.sizes(flags);
    const skip = (flags & FLAG_SKIP_BB) !== 0;
    if (skip && !this.table(false)) return;
    if (addr % bb) return this.error(E.notAligned);
    if (!len) return this.error(E.lenInvalid);
    if (len % bb) return this.error(E.lenNotAligned);
    if (addr + len > total) return this.error(E.addrExceeded);
    const whole = len === total;
    let page = addr / pb;
    for (let left = len; left > 0; ) {
      if (addr >= total) return this.error(E.addrExceeded);
      const bad = skip && this.bbt!.has(page);
      if (bad) this.send(bbFrame(addr, bb, true));
      else {
        const chip = this.chip();
        if (chip) {
          chip.command(this.conf!.erase1);
          this.addrCycles(0, page, false);
          chip.command(this.conf!.erase2);
          if (this.waitStatus() & 0x01) this.send(bbFrame(addr, bb, false));
        }
      }
      addr += bb;
      page += ppb;
      if (!bad || whole) left -= bb;
      this.send(u64Frame(ST.progress, len - left, 10));
    }
    this.ok();
  }

  private read(addr: number, len: number, flags: number): void {
    const { pb, bb, total, ppb } = this.sizes(flags);
    const skip = (flags & FLAG_SKIP_BB) !== 0;
    if (addr + len > total) return this.error(E.addrExceeded);
    if (addr % pb) return this.error(E.notAligned);
    if (!len) return this.error(E.lenInvalid);
    if (len % pb) return this.error(E.lenNotAligned);
    if (skip && !this.table(false)) return;
    const self = this;
    const buf = new Uint8Array(pb);
    function* gen(): Generator<Uint8Array> {
      let page = addr / pb;
      for (let left = len; left > 0; ) {
        if (addr >= total) { self.error(E.addrExceeded); return; }
        if (skip && self.bbt!.has(page)) {
          yield bbFrame(addr, bb, true);
          if (len === total) left -= bb;
          addr += bb;
          page += ppb;
          continue;
        }
        self.readPage(page, buf, pb);
        for (let o = 0; o < pb && left > 0; ) {
          const n = Math.min(62, pb - o, left);
          const f = new Uint8Array(2 + n);
          f[0] = RESP_DATA; f[1] = n;
          f.set(buf.subarray(o, o + n), 2);
          o += n;
          left -= n;
          yield f;
        }
        addr += pb;
        page++;
      }
    }
    this.later(gen());
  }

  private writeStart(addr: number, len: number, flags: number): void {
    const { pb, bb, total } = this.sizes(flags);
    if (addr + len > total) return this.error(E.addrExceeded);
    if (addr % pb) return this.error(E.notAligned);
    if (!len) return this.error(E.lenInvalid);
    if (len % pb) return this.error(E.lenNotAligned);
    const skip = (flags & FLAG_SKIP_BB) !== 0;
    if (skip && !this.table(false)) return;
    this.prog.addr = addr;
    this.w = { addr, len, page: new Uint8Array(pb), pageNo: addr / pb, off: 0, pb, bb, total, written: 0, acked: 0, skip };
    this.ok();
  }

  private writeData(p: Uint8Array): void {
    const w = this.w;
    const len = p[1];
    if (len + 2 > 64 || len + 2 !== p.length) return this.error(E.dataSize);
    if (!w) return this.error(E.addrInvalid);
    const first = Math.min(len, w.pb - w.off);
    w.page.set(p.subarray(2, 2 + first), w.off);
    w.off += first;
    if (w.off === w.pb) {
      const ppb = w.bb / w.pb;
      while (w.skip && this.bbt!.has(w.pageNo)) {
        this.send(bbFrame(w.addr, w.bb, true));
        w.addr += w.bb;
        w.pageNo += ppb;
      }
      if (w.addr >= w.total) return this.error(E.addrExceeded);
      this.prog.addr = w.addr;
      if (this.prog.inFlight && !this.collect()) return this.error(E.nandWrite);
      const chip = this.chip();
      if (chip) {
        chip.command(this.conf!.write1);
        this.addrCycles(0, w.pageNo, true);
        for (let i = 0; i < w.pb; i++) chip.writeByte(w.page[i]);
        chip.command(this.conf!.write2);
        this.prog = { addr: w.addr, block: w.bb, inFlight: true, since: this.clock.now() };
      }
      w.addr += w.pb;
      this.prog.addr = w.addr;
      w.pageNo++;
      w.off = 0;
    }
    if (len > first) {
      w.page.set(p.subarray(2 + first, 2 + len), 0);
      w.off = len - first;
    }
    w.written += len;
    if (w.written - w.acked >= w.pb || w.written === w.len) {
      this.send(u64Frame(ST.writeAck, w.written, 14));
      w.acked = w.written;
    }
    if (w.written > w.len) return this.error(E.lenExceeded);
  }

  private writeEnd(): void {
    const w = this.w;
    this.w = undefined;
    if (w && w.off) return this.error(E.nandWrite);
    this.ok();
  }
}
