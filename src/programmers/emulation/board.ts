import type { Chip } from '../../catalog/chip.js';
import { FarmError } from '../../errors.js';
import type { DeviceLink } from '../usb-board/device-source.js';
import type { UsbDeviceLike } from '../usb-board/device.js';
import { SimClock } from './clock.js';
import type { EmulatedBoardOptions } from './options.js';

/** An emulated USB board: its device, virtual clock, and the chip model seated for the device now inserted. */
export interface EmulatedBoard<D extends UsbDeviceLike, M> extends DeviceLink {
  device: D;
  clock: SimClock;
  /** The chip model now in the socket. */
  chipModel(): M | undefined;
}

/**
 * Assembles an emulated board: refuses options set up for another part, and seats a fresh chip model (made by
 * `make` from the inserted device's label) on every insertion, so each device has its own bad blocks and state.
 */
export function emulatedBoard<D extends UsbDeviceLike & { seat(m: M | undefined): void }, M>(
  chip: Chip,
  opts: EmulatedBoardOptions,
  device: (clock: SimClock) => D,
  make: (label: string, clock: SimClock) => M,
): EmulatedBoard<D, M> {
  if (opts.chip !== undefined && opts.chip !== chip.part) {
    throw new FarmError('emulated-chip-mismatch', `the emulated board is set up for ${opts.chip} but the job's chip is ${chip.part}; use \`idBytes\` to seat a different part`);
  }
  const clock = new SimClock();
  const dev = device(clock);
  let model: M | undefined;
  return {
    device: dev,
    clock,
    pacer: clock.pacer(),
    chipModel: () => model,
    insert(label) {
      model = make(label, clock);
      dev.seat(model);
    },
    remove() {
      model = undefined;
      dev.seat(undefined);
    },
  };
}
