import type { Chip } from '../../catalog/chip.js';
import type { Extent } from '../../images/extent.js';
import { DriverError } from '../../errors.js';
import type { Insertion, ProgramTarget, Progress } from '../driver.js';
import type { DeviceLink, DeviceSource } from '../usb/device-source.js';
import type { FlashTarget } from '../usb/flash-target.js';
import type { Mismatch, SentRecord } from '../usb/sent-digest.js';
import { SingleSiteUsbDriver, type ProgramResult } from '../usb/single-site.js';
import { UsbTransport } from '../usb/transport.js';
import { NorTarget } from './nor-target.js';
import { CH341A_EP_IN, CH341A_EP_OUT, type Ch341aSpeed } from './protocol.js';
import { Ch341aSpiBus } from './spi-bus.js';
import { SpiNandOps } from './spi-nand.js';
import { SpiNorOps } from './spi-nor.js';
import { SnandTarget } from './snand-target.js';

/** Options of a CH341A driver. */
export interface Ch341aDriverOptions {
  /** Stream speed code (0..3; the SPI clock follows it). @default 2 */
  speed?: Ch341aSpeed;
  /** Per-transfer USB timeout, milliseconds. @default 2000 */
  timeoutMs?: number;
}

/** The CH341A USB programmer with one SOIC8/WSON8 socket: SPI NOR and SPI NAND. */
export class Ch341aDriver extends SingleSiteUsbDriver {
  private link: DeviceLink | undefined;
  private transport: UsbTransport | undefined;
  private target: FlashTarget | undefined;
  private prepared = false;

  constructor(info: { model: string; serial: string }, private readonly source: DeviceSource, private readonly opts: Ch341aDriverOptions = {}) {
    super({ driver: 'ch341a', ...info });
  }

  protected async connect(chip: Chip): Promise<void> {
    if (chip.kind !== 'spi-nor' && chip.kind !== 'spi-nand') {
      throw new DriverError('chip-kind-unsupported', `the CH341A drives SPI NOR and SPI NAND, not ${chip.kind} (${chip.part})`);
    }
    this.link = await this.source(chip);
    this.transport = new UsbTransport(this.link.device, { interfaceNumber: 0, outEndpoint: CH341A_EP_OUT, inEndpoint: CH341A_EP_IN }, { timeoutMs: this.opts.timeoutMs });
    await this.transport.open();
    const bus = this.makeBus(this.transport);
    await bus.init(this.opts.speed ?? 2);
    this.target = this.makeTarget(bus, chip, this.link);
  }

  /** Builds the SPI bus (a seam for tests that hold a broken variant to the bench). */
  protected makeBus(t: UsbTransport): Ch341aSpiBus {
    return new Ch341aSpiBus(t);
  }

  /** Builds the chip logic for the chip's kind. */
  protected makeTarget(bus: Ch341aSpiBus, chip: Chip, link: DeviceLink): FlashTarget {
    const t = chip.timings;
    if (chip.kind === 'spi-nor') {
      const eraseMs = (t.tEraseUs ?? 400_000) / 1000;
      const limits = { pageProgramMs: Math.max(5, ((t.tProgUs ?? 3000) / 1000) * 10), sectorEraseMs: eraseMs * 10, chipEraseMs: Math.max(eraseMs * 10, (chip.capacityBytes / 4096) * eraseMs) };
      return new NorTarget(this.makeNorOps(bus, link, limits), chip);
    }
    const limits = { readMs: Math.max(1, ((t.tReadUs ?? 100) / 1000) * 20), programMs: Math.max(10, ((t.tProgUs ?? 700) / 1000) * 20), eraseMs: Math.max(50, ((t.tEraseUs ?? 10_000) / 1000) * 20) };
    return new SnandTarget(new SpiNandOps(bus, link.pacer, limits), chip);
  }

  /** Builds the NOR command layer (a seam for broken-driver tests). */
  protected makeNorOps(bus: Ch341aSpiBus, link: DeviceLink, limits: ConstructorParameters<typeof SpiNorOps>[2]): SpiNorOps {
    return new SpiNorOps(bus, link.pacer, limits);
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

  /** The chip logic, prepared once per inserted device. */
  private async ready(): Promise<FlashTarget> {
    if (!this.target) throw new DriverError('driver-not-open', `CH341A ${this.info.serial} was used before open()`);
    if (!this.prepared) {
      await this.target.prepare();
      this.prepared = true;
    }
    return this.target;
  }

  protected async readIdBytes(): Promise<Uint8Array> {
    return (await this.ready()).readId();
  }
  protected async eraseDevice(progress: Progress): Promise<number[] | void> {
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
