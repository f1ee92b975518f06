import { z } from 'zod';
import { FarmError } from '../../errors.js';
import type { DriverFactory, ProgrammerSpec } from '../spec.js';
import { emulatedCh341aSource } from './emulated/ch341a-board.js';
import { emulatedBoardSchema } from '../emulated/schema.js';
import type { EmulatedBoardOptions } from '../emulated/options.js';
import { usbDeviceSource } from '../usb/find-device.js';
import { Ch341aDriver } from './driver.js';
import { CH341A_PID, CH341A_VID, type Ch341aSpeed } from './protocol.js';

export { Ch341aDriver } from './driver.js';

/** Options of a `ch341a` programmer in farm.json / `programmers add`. */
export interface Ch341aOptions {
  /** USB serial number of the board (most CH341A boards have none: then use `usbIndex`). @default undefined */
  usbSerial?: string;
  /** Which of several serial-less CH341A boards, in bus order. @default 0 */
  usbIndex?: number;
  /** Stream speed code 0..3 (the SPI clock follows it). @default 2 */
  speed?: Ch341aSpeed;
  /** Per-transfer USB timeout in milliseconds. @default 2000 */
  timeoutMs?: number;
  /** Use an emulated board instead of hardware (tests, demo). @default undefined */
  emulated?: EmulatedBoardOptions;
}

/** zod schema of Ch341aOptions. */
export const ch341aOptionsSchema: z.ZodType<Ch341aOptions> = z.strictObject({
  usbSerial: z.string().min(1).optional(),
  usbIndex: z.number().int().min(0).optional(),
  speed: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  timeoutMs: z.number().int().positive().optional(),
  emulated: emulatedBoardSchema.optional(),
});

/** The `ch341a` driver: a CH341A USB programmer, real or emulated. */
export const ch341aDriver: DriverFactory<Ch341aOptions> = {
  options: ch341aOptionsSchema,
  create: (spec, o) => {
    requireOneSite(spec);
    return new Ch341aDriver(
      { model: spec.model, serial: spec.serial },
      o.emulated ? emulatedCh341aSource(o.emulated) : usbDeviceSource({ vendorId: CH341A_VID, productId: CH341A_PID, serial: o.usbSerial, index: o.usbIndex }),
      { speed: o.speed, timeoutMs: o.timeoutMs },
    );
  },
};

/** A CH341A board has one SOIC8/WSON8 socket: the farm registers one programmer per board, with 1 site. */
function requireOneSite(spec: ProgrammerSpec): void {
  if (spec.sites !== 1) {
    throw new FarmError('bad-programmer-spec', `programmer "${spec.name}" (ch341a) has ${spec.sites} sites, but a CH341A board has one SOIC8/WSON8 socket: register one programmer per board, each with 1 site (docs/real-hardware.md)`);
  }
}
