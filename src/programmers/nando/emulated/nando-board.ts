import type { Chip } from '../../../catalog/chip.js';
import { FarmError } from '../../../errors.js';
import type { DeviceLink, DeviceSource } from '../../usb/device-source.js';
import { SimClock } from '../../emulated/clock.js';
import { EmulatedNando } from './nando-device.js';
import { factoryBadBlocks, type EmulatedBoardOptions } from '../../emulated/options.js';
import { ParallelNandChip } from './parallel-nand.js';

/** An emulated NANDO board with its virtual clock; a new NAND model is seated for every inserted device. */
export interface NandoBoard extends DeviceLink {
  device: EmulatedNando;
  clock: SimClock;
  /** The NAND model now in the socket. */
  chipModel(): ParallelNandChip | undefined;
}

/** Builds an emulated NANDO board for `chip` (parallel NAND) with the given options. */
export function emulatedNandoBoard(chip: Chip, opts: EmulatedBoardOptions = {}): NandoBoard {
  if (chip.kind !== 'nand') throw new FarmError('chip-kind-unsupported', `the NANDO drives parallel NAND, not ${chip.kind} (${chip.part})`);
  if (opts.chip !== undefined && opts.chip !== chip.part) {
    throw new FarmError('emulated-chip-mismatch', `the emulated board is set up for ${opts.chip} but the job's chip is ${chip.part}; use \`idBytes\` to seat a different part`);
  }
  const clock = new SimClock();
  const device = new EmulatedNando(clock, opts.usbSerial ?? 'NANDO-EMU', { dropAfterTransfers: opts.dropAfterTransfers });
  let model: ParallelNandChip | undefined;
  const blocks = (chip.geometry as { blocks: number }).blocks;
  return {
    device,
    clock,
    pacer: clock.pacer(),
    chipModel: () => model,
    insert(label) {
      model = new ParallelNandChip(chip, clock, { badBlocks: factoryBadBlocks(opts, label, blocks), failingBlocks: opts.failingBlocks, idBytes: opts.idBytes });
      device.seat(model);
    },
    remove() {
      model = undefined;
      device.seat(undefined);
    },
  };
}

/** A DeviceSource that builds an emulated NANDO board for the job's chip. */
export function emulatedNandoSource(opts: EmulatedBoardOptions): DeviceSource {
  return async (chip) => emulatedNandoBoard(chip, opts);
}
