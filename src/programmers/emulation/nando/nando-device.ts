import { NANDO_PACKET, NANDO_PID, NANDO_VID } from '../../nando/protocol.js';
import type { UsbControlSetup } from '../../usb-board/device.js';
import type { SimClock } from '../clock.js';
import { NandoFirmware } from './nando-firmware.js';
import type { ParallelNandChip } from './parallel-nand.js';
import { InQueue } from '../in-queue.js';
import { EmulatedUsbDevice, type LinkFaults } from '../usb-device.js';

/**
 * An emulated NANDO board: STM32 USB CDC descriptors (communication interface 0 with interrupt IN 2, data interface 1
 * with bulk OUT 3 / IN 1, 64-byte packets), the firmware's command handling, and a parallel NAND in the TSOP48 socket.
 * Each 64-byte OUT packet is one command; each answer frame is one IN packet.
 */
export class EmulatedNando extends EmulatedUsbDevice {
  private chip: ParallelNandChip | undefined;
  private readonly frames = new InQueue();
  private pending: Iterator<Uint8Array> | undefined;
  private readonly fw: NandoFirmware;
  /** CDC control line state last set (bit 0 DTR, bit 1 RTS). */
  lineState = 0;

  constructor(clock: SimClock, serial: string | null, faults?: LinkFaults) {
    super({
      vendorId: NANDO_VID, productId: NANDO_PID, serialNumber: serial, productName: 'NANDO', manufacturerName: 'NANDO',
      interfaces: [
        { interfaceNumber: 0, interfaceClass: 0x02, endpoints: [{ endpointNumber: 2, direction: 'in', type: 'interrupt', packetSize: 8 }] },
        { interfaceNumber: 1, interfaceClass: 0x0a, endpoints: [
          { endpointNumber: 3, direction: 'out', type: 'bulk', packetSize: 64 },
          { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
        ] },
      ],
    }, clock, faults);
    this.fw = new NandoFirmware(clock, () => this.chip, (f) => this.frames.push(f), (g) => { this.pending = g; });
  }

  /** Puts a chip in the socket (or empties it). */
  seat(chip: ParallelNandChip | undefined): void {
    this.chip = chip;
  }

  protected override onControl(setup: UsbControlSetup): void {
    if (setup.requestType === 'class' && setup.request === 0x22) this.lineState = setup.value & 0x03;
  }

  protected onOut(_ep: number, data: Uint8Array): void {
    for (let p = 0; p < data.length; p += NANDO_PACKET) {
      this.pending = undefined;
      this.fw.packet(data.subarray(p, Math.min(p + NANDO_PACKET, data.length)));
    }
  }

  protected onIn(_ep: number, length: number, timeoutMs: number): Uint8Array | null {
    if (this.fw.silentMs > timeoutMs) {
      // The host gave up while the firmware was still scanning; its answer comes later.
      this.fw.silentMs -= timeoutMs;
      return null;
    }
    this.fw.silentMs = 0;
    if (this.frames.empty) this.fw.poll();
    if (this.frames.empty && this.pending) {
      const n = this.pending.next();
      if (n.done) this.pending = undefined;
      else this.frames.push(n.value);
    }
    return this.frames.take(length);
  }
}
