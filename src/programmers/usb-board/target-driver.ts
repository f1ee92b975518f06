import type { Extent } from '../../images/extent.js';
import { DriverError } from '../../errors.js';
import type { Insertion, Progress } from '../driver.js';
import type { ProgramTarget } from '../../layout/target.js';
import type { DeviceLink } from './device-source.js';
import type { FlashTarget } from './flash-target.js';
import type { Mismatch, SentRecord } from './sent-digest.js';
import { SingleSiteUsbDriver, type ProgramResult } from './single-site.js';
import type { UsbTransport } from './transport.js';

/**
 * A one-socket USB programmer whose chip logic is a FlashTarget (CH341A, NANDO): the device link, the transport,
 * the per-insertion preparation of the chip, and every operation delegated to the target. Subclasses only connect.
 */
export abstract class FlashTargetDriver extends SingleSiteUsbDriver {
  protected link: DeviceLink | undefined;
  protected transport: UsbTransport | undefined;
  protected target: FlashTarget | undefined;
  private prepared = false;

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
    if (!this.target) throw new DriverError('driver-not-open', `${this.info.model} ${this.info.serial} was used before open()`);
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
