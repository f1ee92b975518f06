import type { UsbTransport } from '../usb-board/transport.js';
import { FrameReader, NandoProtocolError, type NandoFrame } from './frames.js';
import { CMD, NANDO_WRITE_CHUNK, confPacket, rangePacket, type FsmcConf, type NandoGeometry } from './protocol.js';

/** The firmware refused or failed a command (its error frame). */
export class NandoCommandError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'NandoCommandError';
  }
}

/** Bad blocks the firmware reported during one command: skipped (known bad) and failed (went bad now), as byte addresses. */
export interface BadBlockReport {
  skipped: number[];
  failed: number[];
}

/** NANDO commands over the CDC data interface: one packet per command, answers read as frames. */
export class NandoClient {
  private readonly frames: FrameReader;
  private readonly data = new Uint8Array(64);

  constructor(private readonly t: UsbTransport) {
    this.frames = new FrameReader(t);
  }

  /** Sends the chip geometry and HAL configuration. */
  async configure(g: NandoGeometry, conf: FsmcConf): Promise<void> {
    await this.t.write(confPacket(g, conf));
    await this.expectOk('CONF');
  }

  /** The five ID bytes. */
  async readId(): Promise<Uint8Array> {
    await this.t.write(Uint8Array.of(CMD.readId));
    const f = await this.frame();
    if (f.kind !== 'data' || f.bytes.length < 5) throw new NandoProtocolError(`READ_ID answered ${f.kind}`);
    return Uint8Array.from(f.bytes.subarray(0, 5));
  }

  /** Scans the bad-block markers; returns the bad blocks' byte addresses. */
  async readBadBlocks(): Promise<number[]> {
    await this.t.write(Uint8Array.of(CMD.readBadBlocks));
    const bad: number[] = [];
    for (;;) {
      const f = await this.frame();
      if (f.kind === 'ok') return bad;
      if (f.kind === 'bad-block') bad.push(f.addr);
      else if (f.kind !== 'progress') throw new NandoProtocolError(`READ_BB answered ${f.kind}`);
    }
  }

  /** Erases [addr, addr+len) with flags; progress in bytes. */
  async erase(addr: number, len: number, flags: number, progress: (bytes: number) => void): Promise<BadBlockReport> {
    await this.t.write(rangePacket(CMD.erase, addr, len, flags));
    const rep: BadBlockReport = { skipped: [], failed: [] };
    for (;;) {
      const f = await this.frame();
      if (f.kind === 'ok') return rep;
      if (f.kind === 'bad-block') (f.skipped ? rep.skipped : rep.failed).push(f.addr);
      else if (f.kind === 'progress') progress(f.value);
      else throw new NandoProtocolError(`ERASE answered ${f.kind}`);
    }
  }

  /** Opens a write session. */
  async writeStart(addr: number, len: number, flags: number): Promise<void> {
    await this.t.write(rangePacket(CMD.writeStart, addr, len, flags));
    await this.expectOk('WRITE_S');
  }

  /**
   * Sends one page in WRITE_D packets of up to 62 bytes, then waits for the firmware's acknowledgement of
   * `totalAfter` bytes (flow control: never more than one page unacknowledged). Bad-block frames seen meanwhile go to `rep`.
   */
  async writePage(page: Uint8Array, totalAfter: number, rep: BadBlockReport): Promise<void> {
    for (let o = 0; o < page.length; o += NANDO_WRITE_CHUNK) {
      const n = Math.min(NANDO_WRITE_CHUNK, page.length - o);
      this.data[0] = CMD.writeData;
      this.data[1] = n;
      this.data.set(page.subarray(o, o + n), 2);
      await this.t.write(this.data.subarray(0, 2 + n));
    }
    for (;;) {
      const f = await this.frame();
      if (f.kind === 'ack') {
        if (f.bytes !== totalAfter) throw new NandoProtocolError(`write acknowledged ${f.bytes} bytes, expected ${totalAfter}`);
        return;
      }
      if (f.kind === 'bad-block') (f.skipped ? rep.skipped : rep.failed).push(f.addr);
      else throw new NandoProtocolError(`WRITE_D answered ${f.kind}`);
    }
  }

  /** Closes the write session. */
  async writeEnd(rep: BadBlockReport): Promise<void> {
    await this.t.write(Uint8Array.of(CMD.writeEnd));
    for (;;) {
      const f = await this.frame();
      if (f.kind === 'ok') return;
      if (f.kind === 'bad-block') (f.skipped ? rep.skipped : rep.failed).push(f.addr);
      else throw new NandoProtocolError(`WRITE_E answered ${f.kind}`);
    }
  }

  /**
   * A VERSION round trip: the firmware answers it after any frame its main loop had queued, so bad-block frames of a
   * program that finished after WRITE_E arrive before it and go to `rep`.
   */
  async sync(rep: BadBlockReport): Promise<void> {
    await this.t.write(Uint8Array.of(CMD.version));
    for (;;) {
      const f = await this.frame();
      if (f.kind === 'data') return;
      if (f.kind === 'bad-block') (f.skipped ? rep.skipped : rep.failed).push(f.addr);
      else throw new NandoProtocolError(`VERSION answered ${f.kind}`);
    }
  }

  /**
   * Reads `len` bytes from `addr` with flags, handing each data frame to `sink` (valid during the call only). With
   * `wholeChip` the firmware counts skipped bad blocks into `len`, so each skipped block shortens the answer.
   */
  async read(addr: number, len: number, flags: number, sink: (bytes: Uint8Array) => void, wholeChip = false): Promise<BadBlockReport> {
    await this.t.write(rangePacket(CMD.read, addr, len, flags));
    const rep: BadBlockReport = { skipped: [], failed: [] };
    let want = len;
    for (let got = 0; got < want; ) {
      const f = await this.frame();
      if (f.kind === 'data') {
        sink(f.bytes);
        got += f.bytes.length;
      } else if (f.kind === 'bad-block') {
        (f.skipped ? rep.skipped : rep.failed).push(f.addr);
        if (f.skipped && wholeChip) want -= f.size;
      } else throw new NandoProtocolError(`READ answered ${f.kind}`);
    }
    return rep;
  }

  /** The next frame; an error frame becomes a NandoCommandError. */
  private async frame(): Promise<NandoFrame> {
    const f = await this.frames.next();
    if (f.kind === 'error') {
      this.frames.reset();
      throw new NandoCommandError(f.code, `NANDO firmware: ${f.message} (error ${f.code})`);
    }
    return f;
  }

  private async expectOk(what: string): Promise<void> {
    const f = await this.frame();
    if (f.kind !== 'ok') throw new NandoProtocolError(`${what} answered ${f.kind}`);
  }
}

