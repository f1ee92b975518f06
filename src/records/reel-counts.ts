// A reel's counts as either engine reads them (`lot show`, the dashboard's lot page): the station's store from its
// journal, the hub's store over every station (the devices kept apart included).

/** A reel of a lot with its devices passed and failed. */
export interface ReelCountRow {
  reel: string;
  part: string;
  quantity: number;
  dateCode: string;
  passed: number;
  failed: number;
}
