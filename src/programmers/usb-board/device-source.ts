import type { Chip } from '../../catalog/chip.js';
import type { UsbDeviceLike } from './device.js';
import type { Pacer } from './pacer.js';

/** A USB device a driver can talk to, the clock it waits on, and (emulated boards only) a way to seat a new chip. */
export interface DeviceLink {
  device: UsbDeviceLike;
  pacer: Pacer;
  /** Emulated boards: a new device (trace label) is now in the socket. Real boards: the operator swaps chips. */
  insert?(label: string): void;
  /** Emulated boards: the socket is emptied. */
  remove?(): void;
}

/** Finds and returns the device for one programmer, set up for `chip` (called by open(), inside its worker thread). */
export type DeviceSource = (chip: Chip) => Promise<DeviceLink>;
