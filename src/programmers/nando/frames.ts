import { UsbLinkError } from '../usb-board/link-error.js';
import type { UsbTransport } from '../usb-board/transport.js';
import { NANDO_ERRORS, NANDO_PACKET, RESP_DATA, RESP_STATUS, ST } from './protocol.js';

/** One answer frame from the NANDO firmware. */
export type NandoFrame =
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'ok' }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'bad-block'; addr: number; size: number; skipped: boolean }
  | { kind: 'ack'; bytes: number }
  | { kind: 'progress'; value: number };

/** Thrown when the firmware answers something the protocol does not allow here. */
export class NandoProtocolError extends UsbLinkError {
  constructor(message: string) {
    super('link-lost', `NANDO protocol: ${message}`);
  }
}

/** Cuts the IN byte stream into frames, pulling 64-byte packets as needed; one buffer, compacted in place. */
export class FrameReader {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;

  constructor(private readonly t: UsbTransport) {}

  /** The next frame. A data frame's bytes are valid until the next call. */
  async next(): Promise<NandoFrame> {
    await this.need(2);
    const code = this.buf[this.start];
    const info = this.buf[this.start + 1];
    if (code === RESP_DATA) {
      await this.need(2 + info);
      const bytes = this.buf.subarray(this.start + 2, this.start + 2 + info);
      this.start += 2 + info;
      return { kind: 'data', bytes };
    }
    if (code !== RESP_STATUS) throw new NandoProtocolError(`unknown frame code 0x${code.toString(16)}`);
    const len = info === ST.ok ? 2 : info === ST.progress ? 10 : 14;
    await this.need(len);
    const v = new DataView(this.buf.buffer, this.start, len);
    this.start += len;
    switch (info) {
      case ST.ok: return { kind: 'ok' };
      case ST.error: {
        const c = v.getUint8(2);
        return { kind: 'error', code: c, message: NANDO_ERRORS[c] ?? `firmware error ${c}` };
      }
      case ST.badBlock: case ST.badBlockSkip:
        return { kind: 'bad-block', addr: Number(v.getBigUint64(2, true)), size: v.getUint32(10, true), skipped: info === ST.badBlockSkip };
      case ST.writeAck: return { kind: 'ack', bytes: Number(v.getBigUint64(2, true)) };
      case ST.progress: return { kind: 'progress', value: Number(v.getBigUint64(2, true)) };
      default: throw new NandoProtocolError(`unknown status 0x${info.toString(16)}`);
    }
  }

  /** Drops anything buffered (after an error). */
  reset(): void {
    this.start = this.end = 0;
  }

  private async need(n: number): Promise<void> {
    while (this.end - this.start < n) {
      if (this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      const pkt = await this.t.read(NANDO_PACKET);
      this.buf.set(pkt, this.end);
      this.end += pkt.length;
    }
  }
}
