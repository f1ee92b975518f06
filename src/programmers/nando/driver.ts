import type { Chip } from '../../catalog/chip.js';
import type { Extent } from '../../images/extent.js';
import { DriverError } from '../../errors.js';
import type { Insertion, ProgramTarget, Progress } from '../driver.js';
import type { DeviceLink, DeviceSource } from '../usb/device-source.js';
import type { Mismatch, SentRecord } from '../usb/sent-digest.js';
import { SingleSiteUsbDriver, type ProgramResult } from '../usb/single-site.js';
import { UsbTransport } from '../usb/transport.js';
import { NandoClient } from './client.js';
import { NandoNandTarget } from './nand-target.js';
import { NANDO_COMM_IFACE, NANDO_DATA_IFACE, NANDO_EP_IN, NANDO_EP_OUT } from './protocol.js';

/** Options of a NANDO driver. */
export interface NandoDriverOptions {
  /** Per-transfer USB timeout, milliseconds (an erase answers progress per block, so this bounds one block). @default 5000 */
  timeoutMs?: number;
}

/** The NANDO open-hardware parallel NAND programmer with one TSOP48 socket. */
export class NandoDriver extends SingleSiteUsbDriver {
  private link: DeviceLink | undefined;
  private transport: UsbTransport | undefined;
  private target: NandoNandTarget | undefined;
  private prepared = false;

  constructor(info: { model: string; serial: string }, private readonly source: DeviceSource, private readonly opts: NandoDriverOptions = {}) {
    super({ driver: 'nando', ...info });
  }

  protected async connect(chip: Chip): Promise<void> {
    if (chip.kind !== 'nand') throw new DriverError('chip-kind-unsupported', `the NANDO drives parallel NAND, not ${chip.kind} (${chip.part})`);
    this.link = await this.source(chip);
    this.transport = new UsbTransport(this.link.device, {
      interfaceNumber: NANDO_DATA_IFACE, outEndpoint: NANDO_EP_OUT, inEndpoint: NANDO_EP_IN, alsoClaim: [NANDO_COMM_IFACE],
    }, { timeoutMs: this.opts.timeoutMs ?? 5000 });
    await this.transport.open();
    // CDC SET_CONTROL_LINE_STATE (DTR | RTS) on the communication interface, as a terminal program would.
    await this.transport.control({ requestType: 'class', recipient: 'interface', request: 0x22, value: 0x03, index: NANDO_COMM_IFACE });
    this.target = new NandoNandTarget(new NandoClient(this.transport), chip);
  }

  protected async disconnect(): Promise<void> {
    await this.transport?.close();
    this.transport = undefined;
    this.target = undefined;
  }

  override async load(insertions: Insertion[]): Promise<void> {
    await super.load(insertions);
    const mine = insertions.find((i) => i.site === 0);
    if (mine) this.link?.insert?.(mine.device);
    this.prepared = false;
  }

  override async unload(): Promise<void> {
    await super.unload();
    this.link?.remove?.();
  }

  /** The chip logic, configured once per inserted device. */
  private async ready(): Promise<NandoNandTarget> {
    if (!this.target) throw new DriverError('driver-not-open', `NANDO ${this.info.serial} was used before open()`);
    if (!this.prepared) {
      await this.target.prepare();
      this.prepared = true;
    }
    return this.target;
  }

  protected async readIdBytes(): Promise<Uint8Array> {
    return (await this.ready()).readId();
  }
  protected async eraseDevice(progress: Progress): Promise<number[]> {
    return (await this.ready()).erase(progress);
  }
  protected async blankDevice(progress: Progress): Promise<void> {
    return (await this.ready()).blankCheck(progress);
  }
  protected async programDevice(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult> {
    return (await this.ready()).program(extents, target, progress);
  }
  protected async readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined> {
    return (await this.ready()).readback(sent, progress);
  }
  protected async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    return (await this.ready()).writeAt(offset, bytes);
  }
}
