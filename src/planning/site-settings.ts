import { z } from 'zod';
import { SettingsError } from '../errors.js';
import { readTextFile } from '../text-file.js';
import { ISP_DEFAULTS, ISP_INTERFACES, ISP_LICENCE_PER_DEVICE, type IspInterface, type Sourced } from './isp-defaults.js';

const money = z.number().nonnegative().max(1e9);
const seconds = z.number().nonnegative().max(86_400);

/** The site settings file: the rates and equipment figures the offline-vs-in-system comparison prices with. */
export const siteSettingsSchema = z.strictObject({
  /** Currency every amount is in (ISO 4217). @default "USD" */
  currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code, e.g. "EUR"').optional(),
  /** Operator labour per hour (loading and unloading). */
  labourPerHour: money.optional(),
  /** How often the image changes after parts are programmed: "frequent" favours programming in system. @default "rare" */
  imageChanges: z.enum(['rare', 'frequent']).optional(),
  offline: z
    .strictObject({
      /** Programming station (programmer and PC) per running hour: depreciation and upkeep. */
      stationPerHour: money.optional(),
      /** Price of one adapter when neither the adapter nor its type has one. */
      adapterPrice: money.optional(),
    })
    .optional(),
  inSystem: z
    .strictObject({
      /** The assembled board exposes the part's programming interface (test points, connector). @default true */
      boardAccess: z.boolean().optional(),
      /** The interface the board is programmed through. @default "swd" */
      interface: z.enum(ISP_INTERFACES).optional(),
      /** Bytes per second per target, instead of the interface's default. */
      bytesPerSec: z.number().positive().max(1e10).optional(),
      /** Seconds per target besides the data (connect, unlock, reset). */
      connectSec: seconds.optional(),
      /** Targets one fixture programs at once. */
      channels: z.number().int().min(1).max(256).optional(),
      /** Fixtures the line will use for this part. @default 1 */
      fixtures: z.number().int().min(1).max(1000).optional(),
      /** Of those, fixtures already owned (not an investment). @default 0 */
      fixturesOwned: z.number().int().min(0).max(1000).optional(),
      /** Price of one programming fixture with its probes. */
      fixturePrice: money.optional(),
      /** Loads one fixture's contacts are rated for. */
      fixtureRatedCycles: z.number().int().positive().max(1e9).optional(),
      /** Operator seconds to put a board into the fixture and take it out (0 when it is already there for test). */
      handlingSecPerLoad: seconds.optional(),
      /** The fixture's station (or tester) per running hour. */
      stationPerHour: money.optional(),
      /** Licence fee per device programmed in system. */
      licencePerDevice: money.optional(),
      /** The line's beat: seconds between boards. With testSec, programming beyond the slack holds the line. */
      beatSec: z.number().positive().max(86_400).optional(),
      /** Seconds the board already spends on the tester for its tests. @default 0 */
      testSec: seconds.optional(),
      /** The whole line per hour, charged for the seconds programming holds it. */
      linePerHour: money.optional(),
    })
    .optional(),
});

/** A site settings document as written. */
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

/** Every figure the comparison prices with, each with where it came from. */
export interface CostSettings {
  currency: Sourced<string>;
  labourPerHour: Sourced;
  imageChanges: Sourced<'rare' | 'frequent'>;
  offline: { stationPerHour: Sourced; adapterPrice: Sourced };
  inSystem: {
    interface: Sourced<IspInterface>;
    boardAccess: Sourced<boolean>;
    bytesPerSec: Sourced;
    connectSec: Sourced;
    channels: Sourced;
    fixtures: Sourced;
    fixturesOwned: Sourced;
    fixturePrice: Sourced;
    fixtureRatedCycles: Sourced;
    handlingSecPerLoad: Sourced;
    stationPerHour: Sourced;
    licencePerDevice: Sourced;
    /** Absent unless the settings give a beat. */
    beatSec?: Sourced;
    testSec: Sourced;
    linePerHour: Sourced;
  };
}

const assumed = (what: string, key: string) => `assumed (no published figure): ${what}; set ${key} in the site settings`;

/** Cost figures used when the site settings are silent. */
export const COST_DEFAULTS = {
  currency: { value: 'USD', source: 'default currency; set currency in the site settings' },
  labourPerHour: { value: 30, source: assumed('operator labour per hour', 'labourPerHour') },
  imageChanges: { value: 'rare' as const, source: 'default: the image is not expected to change once parts are programmed; set imageChanges' },
  offlineStationPerHour: { value: 10, source: assumed('programmer and PC depreciation and upkeep per running hour', 'offline.stationPerHour') },
  adapterPrice: { value: 300, source: assumed('price of one socket adapter when neither it nor its type has a price', 'offline.adapterPrice (or `gangflash adapters price`)') },
  fixtures: { value: 1, source: 'default: one fixture; set inSystem.fixtures' },
  fixturesOwned: { value: 0, source: 'default: the fixture is still to be built; set inSystem.fixturesOwned' },
  fixturePrice: { value: 1500, source: assumed('a bed-of-nails programming fixture with its probes', 'inSystem.fixturePrice') },
  fixtureRatedCycles: { value: 100_000, source: assumed('spring-probe contact life of the fixture, in loads', 'inSystem.fixtureRatedCycles') },
  handlingSecPerLoad: { value: 10, source: assumed('operator time to load and unload a board into an add-on fixture (0 when it is in a test fixture anyway)', 'inSystem.handlingSecPerLoad') },
  ispStationPerHour: { value: 10, source: assumed('programming station or tester per running hour', 'inSystem.stationPerHour') },
  testSec: { value: 0, source: 'default: no test shares the fixture; set inSystem.testSec' },
  linePerHour: { value: 0, source: 'default: no line time is charged; set inSystem.linePerHour with inSystem.beatSec' },
} as const;

/** Line (1-based) where a JSON path's last key appears in the file's text, found by walking its keys in order. */
function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  let at = 0;
  for (const k of path) {
    if (typeof k !== 'string') continue;
    const i = text.indexOf(`"${k}"`, at);
    if (i < 0) return undefined;
    at = i;
  }
  return text.slice(0, at).split('\n').length;
}

/** Validates a site settings document; a wrong one throws naming the file, the JSON path and the line. */
export function parseSiteSettings(text: string, file: string): SiteSettings {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new SettingsError('settings-json', `site settings are not valid JSON: ${(e as Error).message}; fix the file`, { file, line });
  }
  const r = siteSettingsSchema.safeParse(doc);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const p = i.path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
    return { path: p || '(top level)', message: i.message, line: lineOfPath(text, i.path) };
  });
  throw new SettingsError(
    'settings-invalid',
    `site settings are not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { file, line: issues[0].line },
    issues,
  );
}

/** Reads and validates a site settings file. */
export function loadSiteSettings(file: string): SiteSettings {
  const text = readTextFile(file, (p) =>
    p.kind === 'not-a-file'
      ? new SettingsError('settings-unreadable', 'is not a regular file (a folder, pipe or device); give a readable JSON file', { file })
      : new SettingsError('settings-unreadable', `cannot read the site settings (${(p.error as NodeJS.ErrnoException).code ?? 'error'}); give a readable JSON file`, { file }),
  );
  return parseSiteSettings(text, file);
}

/** Overrides given on the command line (they beat the settings file). */
export interface CostOverrides {
  interface?: IspInterface;
  channels?: number;
  fixtures?: number;
}

/** Every cost figure: the command line first, then the settings file, then the defaults table, each with its source. */
export function costSettings(s: SiteSettings = {}, file = 'site settings', over: CostOverrides = {}): CostSettings {
  const from = (key: string) => `${file}: ${key}`;
  const pick = <T>(v: T | undefined, key: string, d: Sourced<T>): Sourced<T> => (v === undefined ? d : { value: v, source: from(key) });
  const cli = <T>(v: T | undefined, flag: string, rest: Sourced<T>): Sourced<T> => (v === undefined ? rest : { value: v, source: `command line: ${flag}` });
  const i = s.inSystem ?? {};
  const iface = cli(over.interface, '--isp-interface', pick(i.interface, 'inSystem.interface', { value: 'swd' as IspInterface, source: 'default interface: SWD' }));
  const figures = ISP_DEFAULTS[iface.value];
  return {
    currency: pick(s.currency, 'currency', COST_DEFAULTS.currency),
    labourPerHour: pick(s.labourPerHour, 'labourPerHour', COST_DEFAULTS.labourPerHour),
    imageChanges: pick(s.imageChanges, 'imageChanges', COST_DEFAULTS.imageChanges),
    offline: {
      stationPerHour: pick(s.offline?.stationPerHour, 'offline.stationPerHour', COST_DEFAULTS.offlineStationPerHour),
      adapterPrice: pick(s.offline?.adapterPrice, 'offline.adapterPrice', COST_DEFAULTS.adapterPrice),
    },
    inSystem: {
      interface: iface,
      boardAccess: pick(i.boardAccess, 'inSystem.boardAccess', { value: true, source: 'default: the board exposes the interface; set inSystem.boardAccess' }),
      bytesPerSec: pick(i.bytesPerSec, 'inSystem.bytesPerSec', figures.bytesPerSec),
      connectSec: pick(i.connectSec, 'inSystem.connectSec', figures.connectSec),
      channels: cli(over.channels, '--isp-channels', pick(i.channels, 'inSystem.channels', figures.channels)),
      fixtures: cli(over.fixtures, '--isp-fixtures', pick(i.fixtures, 'inSystem.fixtures', COST_DEFAULTS.fixtures)),
      fixturesOwned: pick(i.fixturesOwned, 'inSystem.fixturesOwned', COST_DEFAULTS.fixturesOwned),
      fixturePrice: pick(i.fixturePrice, 'inSystem.fixturePrice', COST_DEFAULTS.fixturePrice),
      fixtureRatedCycles: pick(i.fixtureRatedCycles, 'inSystem.fixtureRatedCycles', COST_DEFAULTS.fixtureRatedCycles),
      handlingSecPerLoad: pick(i.handlingSecPerLoad, 'inSystem.handlingSecPerLoad', COST_DEFAULTS.handlingSecPerLoad),
      stationPerHour: pick(i.stationPerHour, 'inSystem.stationPerHour', COST_DEFAULTS.ispStationPerHour),
      licencePerDevice: pick(i.licencePerDevice, 'inSystem.licencePerDevice', ISP_LICENCE_PER_DEVICE),
      ...(i.beatSec !== undefined ? { beatSec: { value: i.beatSec, source: from('inSystem.beatSec') } } : {}),
      testSec: pick(i.testSec, 'inSystem.testSec', COST_DEFAULTS.testSec),
      linePerHour: pick(i.linePerHour, 'inSystem.linePerHour', COST_DEFAULTS.linePerHour),
    },
  };
}
