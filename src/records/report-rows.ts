// The rows a lot report reads from either engine: the station's store walks its journal's devices, the hub's store
// its cursor over every station's; one report (src/report) renders either.

/** One device of a lot as exported for MES import: its final result and where its final attempt ran. */
export interface DeviceRow {
  lot: string;
  reel: string;
  seq: number;
  result: 'pass' | 'fail';
  failureCode: string | null;
  /** Stage of the final attempt's failure (null on a pass). */
  stage: string | null;
  serial: string | null;
  /** What became of the device's serial value: written (`used`); returned to the pool by an attempt that failed
   * before programming and issued again to a later attempt of this device (`reused-after-retry`); or voided because
   * the device failed after programming began (`voided`); null when the job writes no serials. */
  serialState: 'used' | 'reused-after-retry' | 'voided' | null;
  /** Serial numbers voided for this device (comma-separated), or null. */
  voidedSerials: string | null;
  /** Insertions of this device. */
  attempts: number;
  programmer: string | null;
  site: number | null;
  adapter: string | null;
  finishedAt: string;
  /** When the device's first insertion started. */
  firstStartedAt: string | null;
  job: string;
  jobVersion: number;
  chip: string;
  dateCode: string | null;
  imageSha256: string;
  /** Every field the passed device's serial value wrote, `name=text` joined with `;` (serial, MAC, key …); on the hub null for values uploaded before hub schema 3. */
  serialFields: string | null;
  /** Who ran the device's final insertion (null before station schema 6, and on the hub for rows uploaded before hub schema 3). */
  operator: string | null;
}

/** Where a device row on the hub came from: its station and reel epoch, and whether a fenced holder uploaded it late
 * or kept it apart as a second chip at a position the reel's new holder recorded too (`device_conflicts`). */
export interface DeviceOrigin {
  station: string;
  epoch: number;
  late: boolean;
  conflict: boolean;
}
