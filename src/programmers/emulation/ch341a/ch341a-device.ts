import { BIT_REVERSE, CH341A_PACKET, CMD_I2C_STREAM, CMD_SPI_STREAM, CMD_UIO_STREAM, I2C_STM_END, UIO_STM_DIR, UIO_STM_END, UIO_STM_OUT, UIO_STM_US } from '../../ch341a/protocol.js';
import { CH341A_PID, CH341A_VID } from '../../ch341a/protocol.js';
import type { SimClock } from '../clock.js';
import type { SpiTarget } from '../spi-target.js';
import { InQueue } from '../in-queue.js';
import { EmulatedUsbDevice, type LinkFaults } from '../usb-device.js';

/**
 * An emulated CH341A in SPI mode: every bulk OUT transfer is cut into 32-byte USB packets and each packet decoded
 * from its first byte, as the chip does: UIO stream packets drive D5..D0 (D0 = CS# of the socket), SPI stream
 * packets clock their bit-reversed bytes through the chip and queue one IN packet of the bit-reversed answer,
 * I2C stream packets set the speed. Bytes after a stream's END are ignored; unknown commands are dropped.
 */
export class EmulatedCh341a extends EmulatedUsbDevice {
  private pins = 0x3f;
  private dir = 0x00;
  private selected = false;
  /** Stream speed last set (I2C SET low bits). */
  speed = -1;
  private readonly inQueue = new InQueue();
  private target: SpiTarget | undefined;

  constructor(clock: SimClock, serial: string | null, target: SpiTarget | undefined, faults?: LinkFaults) {
    super({
      vendorId: CH341A_VID, productId: CH341A_PID, serialNumber: serial, productName: 'USB UART-LPT', manufacturerName: 'QinHeng Electronics',
      interfaces: [{
        interfaceNumber: 0, interfaceClass: 0xff, endpoints: [
          { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 32 },
          { endpointNumber: 2, direction: 'in', type: 'bulk', packetSize: 32 },
          { endpointNumber: 1, direction: 'in', type: 'interrupt', packetSize: 8 },
        ],
      }],
    }, clock, faults);
    this.target = target;
  }

  /** Puts a chip in the socket (or empties it with undefined). */
  seat(target: SpiTarget | undefined): void {
    this.target = target;
  }

  /** D5..D0 pins the CH341A drives as outputs (0 once the host released them). */
  get pinsDriven(): number {
    return this.dir;
  }

  /** True while CS# is driven low. */
  get csAsserted(): boolean {
    return this.selected;
  }

  protected onOut(_ep: number, data: Uint8Array): void {
    for (let p = 0; p < data.length; p += CH341A_PACKET) this.packet(data.subarray(p, Math.min(p + CH341A_PACKET, data.length)));
  }

  protected onIn(_ep: number, length: number): Uint8Array | null {
    return this.inQueue.take(length);
  }

  private packet(p: Uint8Array): void {
    const cmd = p[0];
    if (cmd === CMD_SPI_STREAM) {
      const out = new Uint8Array(p.length - 1);
      for (let i = 1; i < p.length; i++) {
        const mosi = BIT_REVERSE[p[i]];
        const miso = this.selected && this.target ? this.target.exchange(mosi) : 0xff;
        out[i - 1] = BIT_REVERSE[miso];
      }
      this.clock.advance((out.length * 8) / 1500);
      this.inQueue.push(out);
    } else if (cmd === CMD_UIO_STREAM) {
      for (let i = 1; i < p.length; i++) {
        const s = p[i];
        if (s === UIO_STM_END) break;
        const kind = s & 0xc0;
        if (kind === UIO_STM_OUT) this.setPins(s & 0x3f);
        else if (kind === UIO_STM_DIR) {
          this.dir = s & 0x3f;
          this.setPins(this.pins);
        }
        else if (kind === UIO_STM_US) this.clock.advance((s & 0x3f) / 1000);
      }
    } else if (cmd === CMD_I2C_STREAM) {
      for (let i = 1; i < p.length && p[i] !== I2C_STM_END; i++) if ((p[i] & 0xe0) === 0x60) this.speed = p[i] & 0x07;
    }
  }

  /** Applies new pin levels; CS# (D0) follows only when D0 is an output. */
  private setPins(levels: number): void {
    this.pins = levels;
    const csLow = (this.dir & 0x01) !== 0 ? (levels & 0x01) === 0 : false;
    if (csLow && !this.selected) {
      this.selected = true;
      this.target?.select();
    } else if (!csLow && this.selected) {
      this.selected = false;
      this.target?.deselect();
    }
  }
}
