import { z } from 'zod';
import type { DriverFactory } from '../spec.js';
import { emulatedCh341aSource } from '../emulation/ch341a/ch341a-board.js';
import { boardSource, requireOneSite, usbBoardFields, type UsbBoardOptions } from '../board-options.js';
import { Ch341aDriver } from './driver.js';
import { CH341A_PID, CH341A_VID, type Ch341aSpeed } from './protocol.js';

export { Ch341aDriver } from './driver.js';

/**
 * Options of a `ch341a` programmer in farm.json / `programmers add`: the USB board options (most CH341A boards have no
 * USB serial number: use `usbIndex`; per-transfer timeout 2000 ms by default) and the stream speed.
 */
export interface Ch341aOptions extends UsbBoardOptions {
  /** Stream speed code 0..3 (the SPI clock follows it). @default 2 */
  speed?: Ch341aSpeed;
}

/** zod schema of Ch341aOptions. */
export const ch341aOptionsSchema: z.ZodType<Ch341aOptions> = z.strictObject({
  ...usbBoardFields,
  speed: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
});

/** The `ch341a` driver: a CH341A USB programmer, real or emulated. */
export const ch341aDriver: DriverFactory<Ch341aOptions> = {
  options: ch341aOptionsSchema,
  create: (spec, o) => {
    requireOneSite(spec, 'CH341A', 'SOIC8/WSON8');
    return new Ch341aDriver({ model: spec.model, serial: spec.serial }, boardSource(o, { vendorId: CH341A_VID, productId: CH341A_PID }, emulatedCh341aSource), { speed: o.speed, timeoutMs: o.timeoutMs });
  },
};
