import type { Chip } from '../../../catalog/chip.js';
import { FarmError } from '../../../errors.js';
import type { DeviceSource } from '../../usb-board/device-source.js';
import { emulatedBoard, type EmulatedBoard } from '../board.js';
import { EmulatedNando } from './nando-device.js';
import { factoryBadBlocks, type EmulatedBoardOptions } from '../options.js';
import { ParallelNandChip } from './parallel-nand.js';

/** An emulated NANDO board with its virtual clock; a new NAND model is seated for every inserted device. */
export type NandoBoard = EmulatedBoard<EmulatedNando, ParallelNandChip>;

/** Builds an emulated NANDO board for `chip` (parallel NAND) with the given options. */
export function emulatedNandoBoard(chip: Chip, opts: EmulatedBoardOptions = {}): NandoBoard {
  if (chip.kind !== 'nand') throw new FarmError('chip-kind-unsupported', `the NANDO drives parallel NAND, not ${chip.kind} (${chip.part})`);
  const blocks = (chip.geometry as { blocks: number }).blocks;
  return emulatedBoard(
    chip,
    opts,
    (clock) => new EmulatedNando(clock, opts.usbSerial ?? 'NANDO-EMU', { dropAfterTransfers: opts.dropAfterTransfers }),
    (label, clock) => new ParallelNandChip(chip, clock, { badBlocks: factoryBadBlocks(opts, label, blocks), failingBlocks: opts.failingBlocks, idBytes: opts.idBytes, programFailRows: opts.programFailRows, hangingBlocks: opts.hangingBlocks }),
  );
}

/** A DeviceSource that builds an emulated NANDO board for the job's chip. */
export function emulatedNandoSource(opts: EmulatedBoardOptions): DeviceSource {
  return async (chip) => emulatedNandoBoard(chip, opts);
}
