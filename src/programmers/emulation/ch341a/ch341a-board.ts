import type { Chip } from '../../../catalog/chip.js';
import { FarmError } from '../../../errors.js';
import type { DeviceSource } from '../../usb-board/device-source.js';
import { emulatedBoard, type EmulatedBoard } from '../board.js';
import { EmulatedCh341a } from './ch341a-device.js';
import { factoryBadBlocks, type EmulatedBoardOptions } from '../options.js';
import { SpiNandChip } from './spi-nand-chip.js';
import { SpiNorChip } from './spi-nor-chip.js';
import type { SpiTarget } from '../spi-target.js';

/** An emulated CH341A board with its virtual clock; a new chip model is seated for every inserted device. */
export type Ch341aBoard = EmulatedBoard<EmulatedCh341a, SpiTarget>;

/** Builds an emulated CH341A board for `chip` with the given options. */
export function emulatedCh341aBoard(chip: Chip, opts: EmulatedBoardOptions = {}): Ch341aBoard {
  return emulatedBoard(
    chip,
    opts,
    (clock) => new EmulatedCh341a(clock, opts.usbSerial ?? null, undefined, { dropAfterTransfers: opts.dropAfterTransfers }),
    (label, clock): SpiTarget => {
      if (chip.kind === 'spi-nor') return new SpiNorChip(chip, clock, opts.idBytes);
      if (chip.kind === 'spi-nand') {
        const blocks = (chip.geometry as { blocks: number }).blocks;
        return new SpiNandChip(chip, clock, { badBlocks: factoryBadBlocks(opts, label, blocks), failingBlocks: opts.failingBlocks, idBytes: opts.idBytes, configAtPowerUp: opts.configAtPowerUp });
      }
      throw new FarmError('chip-kind-unsupported', `the CH341A drives SPI NOR and SPI NAND, not ${chip.kind} (${chip.part})`);
    },
  );
}

/** A DeviceSource that builds an emulated CH341A board for the job's chip. */
export function emulatedCh341aSource(opts: EmulatedBoardOptions): DeviceSource {
  return async (chip) => emulatedCh341aBoard(chip, opts);
}
