import { z } from 'zod';
import { FarmError } from '../errors.js';
import { emulatedBoardSchema } from './emulation/schema.js';
import type { EmulatedBoardOptions } from './emulation/options.js';
import type { ProgrammerSpec } from './spec.js';
import type { DeviceSource } from './usb-board/device-source.js';
import { usbDeviceSource } from './usb-board/find-device.js';

/** How a one-socket USB programmer board is found and talked to: the options every USB driver takes. */
export interface UsbBoardOptions {
  /** USB serial number of the board. @default undefined: the board at `usbIndex` */
  usbSerial?: string;
  /** Which of several boards without `usbSerial`, in bus order. @default 0 */
  usbIndex?: number;
  /** Per-transfer USB timeout in milliseconds. @default the driver's */
  timeoutMs?: number;
  /** Use an emulated board instead of hardware (tests, demo). @default undefined */
  emulated?: EmulatedBoardOptions;
}

/** zod fields of UsbBoardOptions, spread into a driver's own strict options schema. */
export const usbBoardFields = {
  usbSerial: z.string().min(1).optional(),
  usbIndex: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().positive().optional(),
  emulated: emulatedBoardSchema.optional(),
};

/** Which board a driver talks to: the emulated one when `emulated` is set, else the USB device with these IDs. */
export function boardSource(o: UsbBoardOptions, ids: { vendorId: number; productId: number }, emulated: (e: EmulatedBoardOptions) => DeviceSource): DeviceSource {
  return o.emulated ? emulated(o.emulated) : usbDeviceSource({ ...ids, serial: o.usbSerial, index: o.usbIndex });
}

/** A board with one socket is registered as one programmer with 1 site; refuses any other site count. */
export function requireOneSite(spec: ProgrammerSpec, board: string, socket: string): void {
  if (spec.sites !== 1) {
    throw new FarmError('bad-programmer-spec', `programmer "${spec.name}" (${spec.driver}) has ${spec.sites} sites, but a ${board} board has one ${socket} socket: register one programmer per board, each with 1 site (docs/real-hardware.md)`);
  }
}
