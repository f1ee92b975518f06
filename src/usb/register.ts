import type { FoundProgrammer } from './discover.js';

/** How a discovered device becomes a programmer row: a stable serial, a name, and driver options that find it again. */
export interface ProgrammerFromUsb {
  name: string;
  serial: string;
  options: Record<string, unknown>;
}

/**
 * The programmer a discovered device is registered as. A board with a USB serial number is found by it; a board
 * without one (most CH341A boards) is found by its position among same-model boards, which the operator must keep
 * stable (same hub ports).
 */
export function programmerFromUsb(d: FoundProgrammer): ProgrammerFromUsb {
  const tag = d.serial ?? `usb${d.index}`;
  return {
    name: `${d.driver}-${tag}`.toLowerCase(),
    serial: d.serial ?? `${d.model}-usb${d.index}`,
    options: d.serial ? { usbSerial: d.serial } : { usbIndex: d.index },
  };
}
