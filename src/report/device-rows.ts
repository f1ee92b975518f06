import type { Db } from '../db/open.js';
import { lotDevices } from '../store/lot-devices.js';
import type { DeviceOrigin, DeviceRow } from '../records/report-rows.js';

export type { DeviceOrigin, DeviceRow } from '../records/report-rows.js';

/** Column order of the CSV export (same keys as DeviceRow). */
export const DEVICE_COLUMNS: (keyof DeviceRow)[] = [
  'lot', 'reel', 'seq', 'result', 'failureCode', 'stage', 'serial', 'attempts', 'programmer', 'site', 'adapter', 'finishedAt', 'serialState', 'voidedSerials',
  'firstStartedAt', 'job', 'jobVersion', 'chip', 'dateCode', 'imageSha256', 'serialFields', 'operator',
];

/** Every device row of `lot`, by reel and sequence, with its final attempt's programmer, site and adapter. */
export function lotDeviceRows(db: Db, lot: string): DeviceRow[] {
  return [...iterateLotDeviceRows(db, lot)];
}

/** The device rows of `lot` one at a time, straight from the database (a report's memory stays flat in the lot size). */
export function iterateLotDeviceRows(db: Db, lot: string): IterableIterator<DeviceRow> {
  return lotDevices(db, lot);
}

/** Columns the hub's CSV adds after the station's: each row's origin. */
export const ORIGIN_COLUMNS: (keyof DeviceOrigin)[] = ['station', 'epoch', 'late', 'conflict'];
