import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { UsageError } from '../errors.js';
import { adapterLives, type AdapterLife } from './adapter-life.js';
import { getChip } from '../catalog/chips.js';
import { datasheetCycleTime, DEFAULT_HANDLING_SEC, programmedBytes as bytesFor } from './cycle-time.js';
import { answerDeadline, parseDeadlineDay } from './deadline.js';
import { fittingTypes } from './fit.js';
import { journalHistory, type PlanHistory } from './history.js';
import { adapterOrder } from './order.js';
import { siteUnusable, usableSites } from '../inventory/usable-sites.js';
import type { LotPlan, PlanAdapter, PlanAdapterType, PlanRequest } from './types.js';

/** Default number of attempts/devices of history before it is trusted over the datasheet. */
export const DEFAULT_MIN_HISTORY = 20;

function cycleFigures(history: PlanHistory, req: PlanRequest, chip: Chip): LotPlan['cycle'] & { programmedBytes: number } {
  const handlingSec = req.handlingSec ?? DEFAULT_HANDLING_SEC;
  if (req.cycleSeconds !== undefined) {
    if (!(req.cycleSeconds > 0)) throw new UsageError('bad-cycle-seconds', `--cycle-seconds ${req.cycleSeconds}: give a positive number of seconds`);
    const programmedBytes = bytesFor(chip.kind, req.image);
    return { basis: 'given', seconds: req.cycleSeconds, deviceSec: req.cycleSeconds, handlingSec: 0, detail: 'given with --cycle-seconds (handling included)', programmedBytes };
  }
  const measured = history.duration(chip.part, req.image.sha256, req.minHistory ?? DEFAULT_MIN_HISTORY);
  const sheet = measured ? null : datasheetCycleTime(chip, req.image, req);
  if (measured) {
    const programmedBytes = bytesFor(chip.kind, req.image);
    return {
      basis: 'history',
      seconds: measured.medianSec + handlingSec,
      deviceSec: measured.medianSec,
      handlingSec,
      detail: `median of ${measured.attempts} attempts of ${chip.part}${measured.scope === 'image' ? ' with this image' : ' (any image)'} + ${handlingSec} s handling`,
      programmedBytes,
    };
  }
  return { basis: 'datasheet', seconds: sheet!.totalSec, deviceSec: sheet!.deviceSec, handlingSec: sheet!.handlingSec, detail: sheet!.formula, programmedBytes: sheet!.programmedBytes };
}

function typeSummary(fits: ReturnType<typeof fittingTypes>, lives: AdapterLife[], healthyByType: Map<string, number>): PlanAdapterType[] {
  return fits.map((t) => {
    const mine = lives.filter((a) => a.type === t.id && a.status === 'ok');
    return {
      id: t.id,
      name: t.name,
      sites: t.sites,
      ratedInsertions: t.ratedInsertions,
      families: t.families,
      owned: mine.length,
      mounted: mine.filter((a) => a.programmerId !== null).length,
      healthySites: healthyByType.get(t.id) ?? 0,
      onShelf: mine.filter((a) => a.programmerId === null && (a.left > 0 || a.overrideLife)).length,
    };
  });
}

/**
 * Plans `qty` devices of a chip with an image on today's farm: sites, time, yield, adapter wear, order, deadline. The
 * chip's history (yield, insertions per device, attempt durations) comes from `history`: the journal unless given.
 */
export function planLot(db: Db, req: PlanRequest, history: PlanHistory = journalHistory(db)): LotPlan {
  if (!Number.isInteger(req.qty) || req.qty < 1) throw new UsageError('bad-qty', `--qty ${req.qty}: give a whole number of devices, at least 1`);
  const chip = getChip(db, req.chip);
  const minHistory = req.minHistory ?? DEFAULT_MIN_HISTORY;
  const fits = fittingTypes(db, chip);
  const lives = adapterLives(db);
  // The run's own rule: a site the plan counts is a site the run will use.
  const sites = usableSites(db, chip, { programmers: req.programmers, includeUnusable: true });
  const healthy = sites.filter((s) => siteUnusable(s) === null);
  const healthyByType = new Map<string, number>();
  const sitesByAdapter = new Map<number, number>();
  for (const s of healthy) {
    healthyByType.set(s.adapterType!, (healthyByType.get(s.adapterType!) ?? 0) + 1);
    sitesByAdapter.set(s.adapterId!, (sitesByAdapter.get(s.adapterId!) ?? 0) + 1);
  }
  const cycle = cycleFigures(history, req, chip);
  const hist = history.chip(chip.part);
  const trusted = hist.devices >= minHistory;
  const yieldValue = trusted ? hist.finalYield! : 1 - chip.defectRate;
  const perDevice = trusted ? hist.insertionsPerDevice! : 1 + chip.defectRate;
  // Round away float noise (300 × 1.1 = 330.00000000000006) before rounding up to whole insertions.
  const totalInsertions = Math.ceil(Number((req.qty * perDevice).toFixed(9)));
  const S = healthy.length;
  const cycles = S > 0 ? Math.ceil(totalInsertions / S) : null;
  const hours = cycles === null ? null : (cycles * cycle.seconds) / 3600;
  const now = req.now ?? new Date();
  const adapters: PlanAdapter[] = [];
  for (const [id, n] of sitesByAdapter) {
    const a = lives.find((x) => x.id === id)!;
    const planUses = (cycles ?? 0) * n;
    const reach = a.overrideLife ? null : Math.ceil(a.left / n);
    adapters.push({
      serial: a.serial,
      type: a.type,
      programmer: a.programmer!,
      sites: n,
      used: a.used,
      rated: a.rated,
      left: a.left,
      planUses,
      leftAfter: a.left - planUses,
      reachesLifeAtCycle: reach !== null && cycles !== null && reach <= cycles ? reach : null,
      passesLife: !a.overrideLife && planUses > a.left,
    });
  }
  adapters.sort((x, y) => x.leftAfter - y.leftAfter || x.serial.localeCompare(y.serial));
  const deadline =
    req.by === undefined
      ? undefined
      : answerDeadline({ day: parseDeadlineDay(req.by, now), now, hoursPerDay: req.hoursPerDay ?? 24, insertions: totalInsertions, cycleSec: cycle.seconds, sites: S, neededHours: hours });
  const types = typeSummary(fits, lives, healthyByType);
  return {
    chip: { part: chip.part, vendor: chip.vendor, kind: chip.kind, package: chip.package, body: `${chip.bodyWmm}x${chip.bodyLmm} mm`, pitchMm: chip.pitchMm },
    qty: req.qty,
    image: { size: req.image.size, programmedBytes: cycle.programmedBytes, ...(req.image.sha256 ? { sha256: req.image.sha256 } : {}) },
    adapterTypes: types,
    sites: { considered: sites.length, healthy: S, unhealthy: sites.flatMap((s) => {
        const reason = siteUnusable(s);
        return reason === null ? [] : [{ programmer: s.programmer, site: s.site, reason }];
      }) },
    cycle: { basis: cycle.basis, seconds: cycle.seconds, deviceSec: cycle.deviceSec, handlingSec: cycle.handlingSec, detail: cycle.detail },
    yield: { basis: trusted ? 'history' : 'defect-rate', value: yieldValue, devices: hist.devices },
    insertions: { basis: trusted ? 'history' : 'defect-rate', perDevice, total: totalInsertions },
    devicesPerCycle: S,
    cycles,
    hours,
    finishesAt: hours === null ? null : new Date(now.getTime() + hours * 3_600_000).toISOString(),
    expectedGood: Math.round(req.qty * yieldValue),
    adapters,
    passingLife: adapters.filter((a) => a.passesLife).map((a) => a.serial),
    order: adapterOrder({ types, adapters, sites, sitesMissing: deadline?.sitesMissing }),
    ...(deadline ? { deadline } : {}),
  };
}
