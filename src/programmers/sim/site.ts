import type { Chip } from '../../catalog/chip.js';
import { nandGeometry } from '../../catalog/chip.js';
import type { EmmcPartition } from '../../layout/target.js';
import type { DeviceFaults } from './faults.js';
import type { SimGeometry } from './geometry.js';
import { SiteMedia } from './media.js';
import { cidFor, initialExtCsd } from './emmc.js';

/** One site of the simulated programmer and the device in it: media digests, NAND markers, eMMC registers. */
export class SimSite {
  /** The device in the socket; undefined when the site is empty. */
  device?: DeviceFaults;
  /** Adapter wear at this insertion. */
  wear = 0;
  /** The socket does not make contact with this device this insertion. */
  contactBad = false;
  readonly media: Partial<Record<EmmcPartition, SiteMedia>> = {};
  /** NAND: the factory marker byte of each block's marker pages, as read from the spare area (0xFF = good). */
  readonly markers?: Uint8Array;
  /** NAND: blocks known bad (scanned markers and grown), 1 = bad. */
  readonly bad?: Uint8Array;
  /** NAND: the marker scan ran for this device. */
  scanned = false;
  /** NAND: where the last program put each image block. */
  map?: Int32Array;
  readonly extCsd?: Uint8Array;
  cid?: Uint8Array;
  private readonly markerPages: number;

  constructor(readonly index: number, private readonly chip: Chip, geom: SimGeometry) {
    for (const [p, n] of Object.entries(geom.units) as [EmmcPartition, number][]) this.media[p] = new SiteMedia(n);
    if (chip.kind === 'nand' || chip.kind === 'spi-nand') {
      const g = nandGeometry(chip);
      this.markerPages = Math.max(1, g.badBlockMarker.pages.length);
      this.markers = new Uint8Array(g.blocks * this.markerPages);
      this.bad = new Uint8Array(g.blocks);
    } else this.markerPages = 0;
    if (chip.kind === 'emmc') this.extCsd = new Uint8Array(512);
  }

  /** A new device is inserted: fresh erased media, factory bad-block markers written in its spare areas. */
  insert(device: DeviceFaults, wear: number, idBytes: Uint8Array, serial: number): void {
    this.device = device;
    this.wear = wear;
    this.scanned = false;
    this.map = undefined;
    for (const m of Object.values(this.media)) m.eraseAll();
    if (this.markers && this.bad) {
      this.markers.fill(0xff);
      this.bad.fill(0);
      for (const b of device.factoryBad) this.markers.fill(0x00, b * this.markerPages, (b + 1) * this.markerPages);
    }
    if (this.extCsd) {
      initialExtCsd(this.chip, this.extCsd);
      this.cid = cidFor(idBytes, serial);
    }
  }

  /** The device is taken out. */
  remove(): void {
    this.device = undefined;
  }

  /** NAND: reads every block's marker bytes (datasheet marker pages, spare offset) into the bad-block table. */
  scanMarkers(): void {
    if (!this.markers || !this.bad || this.scanned) return;
    for (let b = 0; b < this.bad.length; b++) {
      for (let k = 0; k < this.markerPages; k++) if (this.markers[b * this.markerPages + k] !== 0xff) this.bad[b] = 1;
    }
    this.scanned = true;
  }

  /** NAND: a block failed erase/program: the programmer writes its marker (0x00) and stops using it. */
  markBad(block: number): void {
    if (!this.markers || !this.bad) return;
    this.markers[block * this.markerPages] = 0x00;
    this.bad[block] = 1;
  }

  /** NAND: known bad blocks, ascending (empty for other kinds). */
  badBlocks(): number[] {
    const out: number[] = [];
    if (this.bad) for (let b = 0; b < this.bad.length; b++) if (this.bad[b] === 1) out.push(b);
    return out;
  }

  /** The partition the eMMC's PARTITION_ACCESS selects (user for other kinds). */
  selected(): EmmcPartition {
    const access = this.extCsd ? this.extCsd[179] & 7 : 0;
    return access === 1 ? 'boot1' : access === 2 ? 'boot2' : 'user';
  }
}
