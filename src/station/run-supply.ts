import type { SupplyContext } from '../scheduler/lot-service.js';
import { adapterWearRecords } from '../store/adapters.js';
import { programmerRows } from '../store/programmers.js';
import { StationLink, type StationOptions } from './station-link.js';

/**
 * A lot run's work supply as a station of a hub (LotServiceOptions.supply): once the run holds its leases, connects
 * the station link with the programmers the run drives and every adapter of this station, and keeps the link so the
 * caller can tell why the station ran out of work.
 */
export class StationSupply {
  /** The connected link (undefined until the run connected it). */
  link: StationLink | undefined;

  constructor(private readonly hub: Omit<StationOptions, 'lot'>, private readonly lot: string) {}

  /** Connects the station link for the run described by `ctx`. */
  readonly connect = async ({ db, imageSha256, programmers, serial, listener }: SupplyContext): Promise<StationLink> => {
    const serialOf = new Map(programmerRows(db).map((p) => [p.name, p.serial]));
    const adapters = adapterWearRecords(db).map((a) => ({
      serial: a.serial, adapterType: a.type, station: this.hub.station, programmer: a.programmer === null ? null : (serialOf.get(a.programmer) ?? null), site: a.site, status: a.stored === 'retired' ? ('retired' as const) : ('ok' as const), registeredAt: a.createdAt,
      socket: { priorInsertions: a.priorInsertions, since: a.socketSince, overrideLife: a.overrideLife },
    }));
    const used = programmers.map((p) => ({ serial: p.serial, name: p.name, driver: p.driver, model: p.model, sites: p.sites }));
    this.link = await StationLink.connect(db, { ...this.hub, lot: this.lot }, { imageSha256, programmers: used, adapters, serial, listener });
    return this.link;
  };
}
