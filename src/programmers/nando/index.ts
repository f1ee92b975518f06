import { z } from 'zod';
import { FarmError } from '../../errors.js';
import type { DriverFactory, ProgrammerSpec } from '../spec.js';
import { emulatedNandoSource } from './emulated/nando-board.js';
import { emulatedBoardSchema } from '../emulated/schema.js';
import type { EmulatedBoardOptions } from '../emulated/options.js';
import { usbDeviceSource } from '../usb/find-device.js';
import { NandoDriver } from './driver.js';
import { NANDO_PID, NANDO_VID } from './protocol.js';

export { NandoDriver } from './driver.js';

/** Options of a `nando` programmer in farm.json / `programmers add`. */
export interface NandoOptions {
  /** USB serial number of the board (the STM32's unique ID string). @default undefined: the first NANDO found */
  usbSerial?: string;
  /** Which of several NANDO boards without `usbSerial`, in bus order. @default 0 */
  usbIndex?: number;
  /** Per-transfer USB timeout in milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Use an emulated board instead of hardware (tests, demo). @default undefined */
  emulated?: EmulatedBoardOptions;
}

/** zod schema of NandoOptions. */
export const nandoOptionsSchema: z.ZodType<NandoOptions> = z.strictObject({
  usbSerial: z.string().min(1).optional(),
  usbIndex: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().positive().optional(),
  emulated: emulatedBoardSchema.optional(),
});

/** The `nando` driver: a NANDO parallel NAND programmer, real or emulated. */
export const nandoDriver: DriverFactory<NandoOptions> = {
  options: nandoOptionsSchema,
  create: (spec, o) => {
    requireOneSite(spec);
    return new NandoDriver(
      { model: spec.model, serial: spec.serial },
      o.emulated ? emulatedNandoSource(o.emulated) : usbDeviceSource({ vendorId: NANDO_VID, productId: NANDO_PID, serial: o.usbSerial, index: o.usbIndex }),
      { timeoutMs: o.timeoutMs },
    );
  },
};

/** A NANDO board has one TSOP48 socket: the farm registers one programmer per board, with 1 site. */
function requireOneSite(spec: ProgrammerSpec): void {
  if (spec.sites !== 1) {
    throw new FarmError('bad-programmer-spec', `programmer "${spec.name}" (nando) has ${spec.sites} sites, but a NANDO board has one TSOP48 socket: register one programmer per board, each with 1 site (docs/real-hardware.md)`);
  }
}
