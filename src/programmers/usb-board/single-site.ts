import type { Chip } from '../../catalog/chip.js';
import type { Extent } from '../../images/extent.js';
import { DriverError } from '../../errors.js';
import type { IdOutcome, Insertion, ProgrammerDriver, ProgrammerInfo, Progress, SerialWrite, SiteOutcome, Stage } from '../driver.js';
import type { ExtCsdWrite } from '../../layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../../layout/target.js';
import { UsbLinkError } from './link-error.js';
import { SiteFail } from './site-fail.js';
import type { Mismatch, SentRecord } from './sent-digest.js';

/** What a device-specific program step reports back. */
export interface ProgramResult {
  sent: SentRecord;
  badBlocks?: number[];
}

/** Parses a catalog hex ID string ("ef4014") into bytes. */
export function idFromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/**
 * The ProgrammerDriver shape shared by one-socket USB programmers (CH341A, NANDO): site bookkeeping, turning link
 * errors and SiteFail into typed outcomes, and remembering what program() sent for verify(). Subclasses speak the
 * device's protocol.
 */
export abstract class SingleSiteUsbDriver implements ProgrammerDriver {
  readonly info: ProgrammerInfo;
  protected chip: Chip | undefined;
  private loaded = false;
  private sent: SentRecord | undefined;
  protected badBlocks: number[] = [];

  constructor(info: Omit<ProgrammerInfo, 'sites'>) {
    this.info = { ...info, sites: 1 };
  }

  /** Connects to the device and prepares it for `chip`; throws UsbLinkError or DriverError. */
  protected abstract connect(chip: Chip): Promise<void>;
  /** Releases the device; never throws. */
  protected abstract disconnect(): Promise<void>;
  /** The ID bytes the device answers with. */
  protected abstract readIdBytes(): Promise<Uint8Array>;
  /** Erases the whole device; returns the bad blocks known afterwards (NAND). */
  protected abstract eraseDevice(progress: Progress): Promise<number[] | void>;
  /** Throws SiteFail('blank-check-failed') when any usable byte is not erased. */
  protected abstract blankDevice(progress: Progress): Promise<void>;
  /** Writes the stream; digests what it sent once. */
  protected abstract programDevice(extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress): Promise<ProgramResult>;
  /** Reads the sent ranges back from the device and compares them unit by unit with what was sent. */
  protected abstract readback(sent: SentRecord, progress: Progress): Promise<Mismatch | undefined>;
  /** Writes serial bytes at a byte offset of the (logical) user area. */
  protected abstract writeAt(offset: number, bytes: Uint8Array): Promise<void>;

  async open(chip: Chip): Promise<void> {
    this.chip = chip;
    try {
      await this.connect(chip);
    } catch (e) {
      await this.disconnect();
      if (e instanceof UsbLinkError) throw new DriverError(`usb-${e.code}`, `${this.info.model} ${this.info.serial}: ${e.message}; check the cable and the udev rule (docs/real-hardware.md)`);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.disconnect();
  }

  async load(insertions: Insertion[]): Promise<void> {
    this.loaded = insertions.some((i) => i.site === 0);
    this.sent = undefined;
    this.badBlocks = [];
  }

  async unload(): Promise<void> {
    this.loaded = false;
    this.sent = undefined;
  }

  readId(sites: number[]): Promise<IdOutcome[]> {
    return this.run(sites, 'id', async () => {
      const id = await this.readIdBytes();
      const want = idFromHex(this.requireChip().idBytes);
      if (id.every((b) => b === 0xff) || id.every((b) => b === 0x00)) throw new SiteFail('no-device', `no chip answers (ID ${hex(id)}); is the device seated?`);
      const got = id.subarray(0, want.length);
      if (got.length < want.length || got.some((b, i) => b !== want[i])) {
        throw new SiteFail('id-mismatch', `ID ${hex(got)} is not ${this.requireChip().part} (${hex(want)})`);
      }
      return { id: Uint8Array.from(id) };
    });
  }

  erase(sites: number[], progress: Progress = () => {}): Promise<SiteOutcome[]> {
    return this.run(sites, 'erase', async () => {
      const bad = await this.eraseDevice(progress);
      if (bad) this.badBlocks = bad;
      return {};
    });
  }

  blankCheck(sites: number[], progress: Progress = () => {}): Promise<SiteOutcome[]> {
    return this.run(sites, 'blank', async () => {
      await this.blankDevice(progress);
      return {};
    });
  }

  program(sites: number[], extents: AsyncIterable<Extent>, target: ProgramTarget, progress: Progress = () => {}): Promise<SiteOutcome[]> {
    return this.run(sites, 'program', async () => {
      this.sent = undefined;
      const r = await this.programDevice(extents, target, progress);
      this.sent = r.sent;
      if (r.badBlocks) this.badBlocks = r.badBlocks;
      return {};
    });
  }

  verify(sites: number[], progress: Progress = () => {}): Promise<SiteOutcome[]> {
    return this.run(sites, 'verify', async () => {
      const sent = this.sent;
      if (!sent) throw new SiteFail('verify-failed', 'nothing was programmed in this cycle to verify against');
      const bad = await this.readback(sent, progress);
      if (bad) throw new SiteFail('verify-failed', `read-back differs in verify block ${bad.unit} (${sent.unitBytes} bytes from image offset ${bad.offset})`);
      return {};
    });
  }

  async writeSerial(writes: SerialWrite[]): Promise<SiteOutcome[]> {
    const out: SiteOutcome[] = [];
    for (const w of writes) {
      const [o] = await this.run([w.site], 'serial', async () => {
        await this.writeAt(w.offset, w.bytes);
        return {};
      });
      out.push(o);
    }
    return out;
  }

  selectPartition(sites: number[], partition: EmmcPartition): Promise<SiteOutcome[]> {
    return this.run(sites, 'program', async () => {
      if (partition !== 'user') throw new SiteFail('program-failed', `${this.info.model} drives flash chips, which have no ${partition} partition`);
      return {};
    });
  }

  writeExtCsd(sites: number[], fields: ExtCsdWrite[]): Promise<SiteOutcome[]> {
    return this.run(sites, 'ext-csd', async () => {
      if (fields.length > 0) throw new SiteFail('program-failed', `${this.info.model} drives flash chips, which have no EXT_CSD`);
      return {};
    });
  }

  /** The chip given to open(). */
  protected requireChip(): Chip {
    if (!this.chip) throw new DriverError('driver-not-open', `${this.info.model} ${this.info.serial} was used before open()`);
    return this.chip;
  }

  /** Runs one operation on site 0 and turns what it throws into typed outcomes for every listed site. */
  private async run<T extends object>(sites: number[], stage: Stage, fn: () => Promise<T>): Promise<(SiteOutcome & T)[]> {
    const out: (SiteOutcome & T)[] = [];
    for (const site of sites) {
      if (site !== 0 || !this.loaded) {
        out.push({ site, failure: { code: 'no-device', stage, message: `site ${site} holds no device` } } as SiteOutcome & T);
        continue;
      }
      try {
        const r = await fn();
        out.push({ site, ...r, ...(this.badBlocks.length ? { badBlocks: [...this.badBlocks] } : {}) });
      } catch (e) {
        if (e instanceof SiteFail) {
          if (e.badBlocks) this.badBlocks = e.badBlocks;
          out.push({ site, failure: { code: e.code, stage, message: e.message }, ...(this.badBlocks.length ? { badBlocks: [...this.badBlocks] } : {}) } as SiteOutcome & T);
        } else if (e instanceof UsbLinkError) {
          out.push({ site, failure: { code: e.code, stage, message: e.message } } as SiteOutcome & T);
        } else throw e;
      }
    }
    return out;
  }
}

/** Bytes as lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
