import { z } from 'zod';
import type { DriverFactory } from '../spec.js';
import { emulatedNandoSource } from '../emulation/nando/nando-board.js';
import { boardSource, requireOneSite, usbBoardFields, type UsbBoardOptions } from '../board-options.js';
import { NandoDriver } from './driver.js';
import { NANDO_PID, NANDO_VID } from './protocol.js';

export { NandoDriver } from './driver.js';

/**
 * Options of a `nando` programmer in farm.json / `programmers add`: the USB board options (`usbSerial` is the STM32's
 * unique ID string; per-transfer timeout derived from the chip's datasheet times by default, see nandoTimeoutMs).
 */
export type NandoOptions = UsbBoardOptions;

/** zod schema of NandoOptions. */
export const nandoOptionsSchema: z.ZodType<NandoOptions> = z.strictObject(usbBoardFields);

/** The `nando` driver: a NANDO USB programmer, real or emulated. */
export const nandoDriver: DriverFactory<NandoOptions> = {
  options: nandoOptionsSchema,
  create: (spec, o) => {
    requireOneSite(spec, 'NANDO', 'TSOP48');
    return new NandoDriver({ model: spec.model, serial: spec.serial }, boardSource(o, { vendorId: NANDO_VID, productId: NANDO_PID }, emulatedNandoSource), { timeoutMs: o.timeoutMs });
  },
};
