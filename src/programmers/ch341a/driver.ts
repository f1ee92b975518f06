import { nandGeometry, norGeometry, type Chip, type NorProtocol } from '../../catalog/chip.js';
import { DriverError } from '../../errors.js';
import type { DeviceLink, DeviceSource } from '../usb-board/device-source.js';
import type { FlashTarget } from '../usb-board/flash-target.js';
import { FlashTargetDriver } from '../usb-board/target-driver.js';
import { UsbTransport } from '../usb-board/transport.js';
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
export class Ch341aDriver extends FlashTargetDriver {
  private bus: Ch341aSpiBus | undefined;

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
    this.bus = bus;
    await bus.init(this.opts.speed ?? 2);
    this.target = this.makeTarget(bus, chip, this.link);
  }

  /** Tri-states the socket's pins before the USB device is let go (best effort: the link may already be gone). */
  protected override async disconnect(): Promise<void> {
    await this.bus?.release().catch(() => undefined);
    this.bus = undefined;
    await super.disconnect();
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
      return new NorTarget(this.makeNorOps(bus, link, limits, norGeometry(chip).protocol), chip);
    }
    const limits = { readMs: Math.max(1, ((t.tReadUs ?? 100) / 1000) * 20), programMs: Math.max(10, ((t.tProgUs ?? 700) / 1000) * 20), eraseMs: Math.max(50, ((t.tEraseUs ?? 10_000) / 1000) * 20) };
    return new SnandTarget(new SpiNandOps(bus, link.pacer, limits, nandGeometry(chip)), chip);
  }

  /** Builds the NOR command layer (a seam for broken-driver tests). */
  protected makeNorOps(bus: Ch341aSpiBus, link: DeviceLink, limits: ConstructorParameters<typeof SpiNorOps>[2], protocol?: NorProtocol): SpiNorOps {
    return new SpiNorOps(bus, link.pacer, limits, protocol);
  }
}
