import type { Db } from '../db/open.js';
import { lotDevices, type DeviceRow } from '../store/lot-devices.js';

export type { DeviceRow } from '../store/lot-devices.js';

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

/** Where a device row on the hub came from: its station and reel epoch, and whether a fenced holder uploaded it late
 * or kept it apart as a second chip at a position the reel's new holder recorded too (`device_conflicts`). */
export interface DeviceOrigin {
  station: string;
  epoch: number;
  late: boolean;
  conflict: boolean;
}

/** Columns the hub's CSV adds after the station's: each row's origin. */
export const ORIGIN_COLUMNS: (keyof DeviceOrigin)[] = ['station', 'epoch', 'late', 'conflict'];
