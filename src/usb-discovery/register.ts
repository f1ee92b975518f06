import type { Db } from '../db/open.js';
import { addProgrammer } from '../inventory/programmers.js';
import type { FoundProgrammer, UsbModel } from './discover.js';
import { atomically } from '../store/atomic.js';
import { usbModelRecords } from '../store/catalog.js';
import { programmerNameBySerial } from '../store/programmers.js';

/** USB programmer models from the catalog (rows with a VID and PID). */
export function catalogUsbModels(db: Db): UsbModel[] {
  return usbModelRecords(db);
}

/** How a discovered device becomes a programmer row: a stable serial, a name, and driver options that find it again. */
export interface ProgrammerFromUsb {
  name: string;
  serial: string;
  options: Record<string, unknown>;
}

/**
 * The programmer a discovered device is registered as: one programmer per board, with the model's sites (1 for a
 * CH341A or NANDO). A board with a USB serial number is found by it; a board without one (most CH341A boards) is
 * found by its position among same-model boards, which the operator must keep stable (same hub ports).
 */
export function programmerFromUsb(d: FoundProgrammer): ProgrammerFromUsb {
  const tag = d.serial ?? `usb${d.index}`;
  return {
    name: `${d.driver}-${tag}`.toLowerCase(),
    serial: d.serial ?? `${d.model}-usb${d.index}`,
    options: d.serial ? { usbSerial: d.serial } : { usbIndex: d.index },
  };
}

/** A discovered device with the programmer it is (or was just) registered as. */
export interface RegisteredDevice extends FoundProgrammer {
  programmer: string | null;
  registered: 'already' | 'now' | 'no';
}

/**
 * Matches discovered devices with registered programmers (by serial) and, when `register` is set, adds the missing
 * ones as programmers of `sites` = the model's sites, in one transaction.
 */
export function registerDiscovered(db: Db, devices: FoundProgrammer[], register: boolean): RegisteredDevice[] {
  return atomically(db, () => devices.map((d): RegisteredDevice => {
    const p = programmerFromUsb(d);
    const existing = programmerNameBySerial(db, p.serial);
    if (existing) return { ...d, programmer: existing, registered: 'already' };
    if (!register) return { ...d, programmer: null, registered: 'no' };
    const added = addProgrammer(db, { name: p.name, driver: d.driver, model: d.model, serial: p.serial, sites: d.sites, options: p.options });
    return { ...d, programmer: added.name, registered: 'now' };
  }));
}
