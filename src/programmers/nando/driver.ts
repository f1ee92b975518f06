import type { Chip } from '../../catalog/chip.js';
import { DriverError } from '../../errors.js';
import type { DeviceSource } from '../usb-board/device-source.js';
import { FlashTargetDriver } from '../usb-board/target-driver.js';
import { UsbTransport } from '../usb-board/transport.js';
import { NandoClient } from './client.js';
import { NandoNandTarget } from './nand-target.js';
import { nandoTimeoutMs } from './timeouts.js';
import { NANDO_COMM_IFACE, NANDO_DATA_IFACE, NANDO_EP_IN, NANDO_EP_OUT } from './protocol.js';

/** Options of a NANDO driver. */
export interface NandoDriverOptions {
  /** Per-transfer USB timeout, milliseconds. @default from the chip's datasheet times (nandoTimeoutMs), at least 1000 */
  timeoutMs?: number;
}

/** The NANDO open-hardware parallel NAND programmer with one TSOP48 socket. */
export class NandoDriver extends FlashTargetDriver {
  constructor(info: { model: string; serial: string }, private readonly source: DeviceSource, private readonly opts: NandoDriverOptions = {}) {
    super({ driver: 'nando', ...info });
  }

  protected async connect(chip: Chip): Promise<void> {
    if (chip.kind !== 'nand') throw new DriverError('chip-kind-unsupported', `the NANDO drives parallel NAND, not ${chip.kind} (${chip.part})`);
    this.link = await this.source(chip);
    this.transport = new UsbTransport(this.link.device, {
      interfaceNumber: NANDO_DATA_IFACE, outEndpoint: NANDO_EP_OUT, inEndpoint: NANDO_EP_IN, alsoClaim: [NANDO_COMM_IFACE],
    }, { timeoutMs: this.opts.timeoutMs ?? nandoTimeoutMs(chip) });
    await this.transport.open();
    // CDC SET_CONTROL_LINE_STATE (DTR | RTS) on the communication interface, as a terminal program would.
    await this.transport.control({ requestType: 'class', recipient: 'interface', request: 0x22, value: 0x03, index: NANDO_COMM_IFACE });
    this.target = new NandoNandTarget(new NandoClient(this.transport), chip, this.link.pacer);
  }
}
