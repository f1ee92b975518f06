import type { UsbTransport } from '../usb-board/transport.js';
import {
  BIT_REVERSE, CH341A_PACKET, CH341A_SPI_PER_PACKET, CMD_SPI_STREAM, releasePacket, speedPacket, writeCsPacket, type Ch341aSpeed,
} from './protocol.js';

/** A full-duplex SPI bus with a chip select: one call is one CS#-low transaction. */
export interface SpiBus {
  /** Clocks out `write`, then `readCount` more bytes (sending 0xFF), with CS# held low; returns the bytes read after `write`. The result is valid until the next call. */
  transact(write: Uint8Array, readCount: number): Promise<Uint8Array>;
}

/**
 * SPI through a CH341A: CS# low by a UIO packet, the bytes in 0xA8 stream packets of up to 31 bit-reversed bytes,
 * the answer read as one IN packet per stream packet, then CS# high by a UIO packet, also when a transfer failed (a
 * chip left selected would take the next command as the continuation of this one). Buffers grow once and are reused.
 */
export class Ch341aSpiBus implements SpiBus {
  private out = new Uint8Array(0);
  private inBuf = new Uint8Array(0);
  private readonly csHigh = new Uint8Array(4);

  constructor(private readonly t: UsbTransport) {
    writeCsPacket(this.csHigh, 0, false);
  }

  /** Sets the stream speed and leaves CS# high with D5..D0 driven. */
  async init(speed: Ch341aSpeed): Promise<void> {
    await this.t.write(speedPacket(speed));
    await this.t.write(this.csHigh);
  }

  async transact(write: Uint8Array, readCount: number): Promise<Uint8Array> {
    const total = write.length + readCount;
    const packets = Math.ceil(total / CH341A_SPI_PER_PACKET);
    const outLen = CH341A_PACKET + total + packets;
    if (this.out.length < outLen) this.out = new Uint8Array(outLen + 256);
    if (this.inBuf.length < total) this.inBuf = new Uint8Array(total + 256);
    const out = this.out;
    // Slot 0: CS# low, padded to a whole packet so the stream packets start on packet boundaries.
    out.fill(0, 0, CH341A_PACKET);
    writeCsPacket(out, 0, true);
    let o = CH341A_PACKET;
    for (let i = 0; i < total; i++) {
      if (i % CH341A_SPI_PER_PACKET === 0) out[o++] = CMD_SPI_STREAM;
      out[o++] = i < write.length ? BIT_REVERSE[write[i]] : 0xff;
    }
    const sending = this.t.write(out.subarray(0, o)).then(() => undefined, (e: unknown) => e);
    let readErr: unknown;
    try {
      for (let got = 0; got < total; ) {
        const d = await this.t.read(Math.min(CH341A_SPI_PER_PACKET, total - got));
        for (let i = 0; i < d.length && got < total; i++) this.inBuf[got++] = BIT_REVERSE[d[i]];
      }
    } catch (e) {
      readErr = e;
    }
    const writeErr = await sending;
    try {
      if (writeErr) throw writeErr;
      if (readErr) throw readErr;
    } finally {
      // CS# high in every case; when the link itself is gone this fails too and the first error is the one reported.
      await this.t.write(this.csHigh).catch((e: unknown) => {
        if (!writeErr && !readErr) throw e;
      });
    }
    return this.inBuf.subarray(write.length, total);
  }

  /** Leaves CS# high and releases D5..D0 (UIO DIR 0x00), so the socket is not driven once the driver lets go. */
  async release(): Promise<void> {
    await this.t.write(this.csHigh);
    await this.t.write(releasePacket());
  }
}
