import type { Chip } from '../../../catalog/chip.js';
import { FarmError } from '../../../errors.js';
import type { DeviceLink, DeviceSource } from '../../usb/device-source.js';
import { SimClock } from '../../emulated/clock.js';
import { EmulatedCh341a } from './ch341a-device.js';
import { factoryBadBlocks, type EmulatedBoardOptions } from '../../emulated/options.js';
import { SpiNandChip } from './spi-nand-chip.js';
import { SpiNorChip } from './spi-nor-chip.js';
import type { SpiTarget } from '../../emulated/spi-target.js';

/** An emulated CH341A board with its virtual clock; a new chip model is seated for every inserted device. */
export interface Ch341aBoard extends DeviceLink {
  device: EmulatedCh341a;
  clock: SimClock;
  /** The chip model now in the socket. */
  chipModel(): SpiTarget | undefined;
}

/** Builds an emulated CH341A board for `chip` with the given options. */
export function emulatedCh341aBoard(chip: Chip, opts: EmulatedBoardOptions = {}): Ch341aBoard {
  if (opts.chip !== undefined && opts.chip !== chip.part) {
    throw new FarmError('emulated-chip-mismatch', `the emulated board is set up for ${opts.chip} but the job's chip is ${chip.part}; use \`idBytes\` to seat a different part`);
  }
  const clock = new SimClock();
  const device = new EmulatedCh341a(clock, opts.usbSerial ?? null, undefined, { dropAfterTransfers: opts.dropAfterTransfers });
  let model: SpiTarget | undefined;
  const make = (label: string): SpiTarget => {
    if (chip.kind === 'spi-nor') return new SpiNorChip(chip, clock, opts.idBytes);
    if (chip.kind === 'spi-nand') {
      const blocks = (chip.geometry as { blocks: number }).blocks;
      return new SpiNandChip(chip, clock, { badBlocks: factoryBadBlocks(opts, label, blocks), failingBlocks: opts.failingBlocks, idBytes: opts.idBytes });
    }
    throw new FarmError('chip-kind-unsupported', `the CH341A drives SPI NOR and SPI NAND, not ${chip.kind} (${chip.part})`);
  };
  return {
    device,
    clock,
    pacer: clock.pacer(),
    chipModel: () => model,
    insert(label) {
      model = make(label);
      device.seat(model);
    },
    remove() {
      model = undefined;
      device.seat(undefined);
    },
  };
}

/** A DeviceSource that builds an emulated CH341A board for the job's chip. */
export function emulatedCh341aSource(opts: EmulatedBoardOptions): DeviceSource {
  return async (chip) => emulatedCh341aBoard(chip, opts);
}
