import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../../src/planning/compare.js';
import { costSettings } from '../../src/planning/site-settings.js';
import { CHEAP_SWD, input, MCU_EXAMPLE, offline } from './compare-examples.js';

describe('offline vs in-system: worked examples', () => {
  it('an 8 GB eMMC image at 20,000 parts goes offline: the farm meets the date and one in-system fixture does not', () => {
    // By hand. Offline: 16 healthy sites on 2 programmers, 88 s measured cycle (80 s at 100 MB/s + 8 s handling);
    // 20,000 × 1.01 = 20,200 attempts -> ceil(20,200 / 16) = 1,263 cycles × 88 s = 111,144 s = 30.87 h.
    // In system over USB (GangFlasher-class, 40 MB/s per target, 8 targets, 2 s connect, 10 s handling):
    // 10 + 2 + 8e9 / 40e6 = 212 s a load; ceil(20,200 / 8) = 2,525 loads × 212 s = 535,300 s = 148.69 h.
    // Date: 72 working hours = 259,200 s. Offline: floor(259,200 / 88) = 2,945 cycles -> ceil(20,200 / 2,945) = 7
    // sites needed of 16: yes. In system: floor(259,200 / 212) = 1,222 loads -> ceil(20,200 / 1,222) = 17 channels
    // = ceil(17 / 8) = 3 fixtures of the 1 planned: no. Time decides: offline.
    const c = compareRoutes(input({
      chip: { part: 'KLM8G1GETF-B041', kind: 'emmc' }, qty: 20_000, programmedBytes: 8e9, attempts: 20_200,
      deadline: { by: '2026-03-06', hoursPerDay: 24, availableSec: 259_200 },
      offline: offline({ cycleSec: 88, cycleBasis: 'history', sites: 16, programmers: 2, wearPerInsertion: 0.04 }),
    }, { inSystem: { interface: 'usb-emmc' } }));
    expect(c.offline.hours).toBeCloseTo(111_144 / 3600, 9);
    expect(c.inSystem.hours).toBeCloseTo(535_300 / 3600, 9);
    expect(c.inSystem.secPerDevice).toBe(212);
    expect(c.offline.forDate).toEqual({ needed: 7, missing: 0, meetsDate: true });
    expect(c.inSystem.forDate).toEqual({ needed: 17, missing: 9, fixturesNeeded: 3, meetsDate: false });
    expect(c.recommendation.route).toBe('offline');
    expect(c.recommendation.reasons.find((r) => r.decisive)).toMatchObject({ factor: 'time', favours: 'offline' });
    // The in-system route would have to buy 3 fixtures at the assumed 1,500 to meet the date.
    expect(c.inSystem.fixedCost).toBe(4500);
    expect(c.offline.fixedCost).toBe(0);
  });

  it('a 256 KB MCU image at 5,000 parts with a cheap SWD fixture goes in system: it costs less', () => {
    // By hand. Offline: 4 healthy QFN sites on 1 programmer, 14 s datasheet cycle (8 s handling), adapter 400 over
    // 10,000 insertions = 0.04 an insertion; 5,000 × 1.001 = 5,005 attempts, 1.001 per device.
    //   station 1.001 × 14 × 1 / 4 = 3.5035 s × 10/h = 0.009732; wear 1.001 × 0.04 = 0.04004;
    //   labour 1.001 × 8 / 4 = 2.002 s × 30/h = 0.016683; total 0.066455 a device, 332.275 for 5,000, nothing to buy.
    // In system on the functional tester (board already in its fixture: no handling), SWD at 364,000 B/s, 1 s connect:
    //   1 + 262,144 / 364,000 = 1.720176 s; station 1.001 × 1.720176 × 10/h = 0.004783; fixture 150 over 50,000
    //   loads: 1.001 × 150 / 50,000 = 0.003003; total 0.007786 a device; 150 + 5,000 × 0.007786 = 188.93.
    //   Beat 30 s, test 20 s: 1.72 s programming fits the 10 s slack, no line time.
    // 188.93 < 332.275 by more than 5 %: cost decides, in system. Break-even 150 / (0.066455 − 0.007786) = 2,556.7 -> 2,557.
    const c = compareRoutes(MCU_EXAMPLE);
    expect(c.offline.costPerDevice).toEqual({ equipment: 0.009732, wear: 0.04004, labour: 0.016683, line: 0, licence: 0, total: 0.066455 });
    expect(c.offline.totalCost).toBeCloseTo(332.275, 6);
    expect(c.inSystem.costPerDevice).toEqual({ equipment: 0.004783, wear: 0.003003, labour: 0, line: 0, licence: 0, total: 0.007786 });
    expect(c.inSystem.fixedCost).toBe(150);
    expect(c.inSystem.totalCost).toBeCloseTo(188.93, 6);
    expect(c.recommendation.route).toBe('in-system');
    expect(c.recommendation.reasons.find((r) => r.decisive)).toMatchObject({ factor: 'cost', favours: 'in-system' });
    expect(c.breakEven).toMatchObject({ quantity: 2557, cheaperBelow: 'offline', cheaperAbove: 'in-system' });
  });

  it('the cost lines of a crossing case meet at the hand-computed break-even: 200 / (0.065 − 0.015) = 4,000 devices', () => {
    // By hand, one attempt per device. Offline: 12 s cycle on 4 sites of 1 programmer at 18/h -> 3 s = 0.015;
    // 8 s handling / 4 = 2 s at 36/h = 0.02; wear 0.03: 0.065 a device, nothing to buy.
    // In system: 131,072 B at 131,072 B/s + 1 s connect = 2 s at 18/h = 0.01; fixture 200 / 100,000 = 0.002;
    // licence 0.003 (within the published 0.003-0.01): 0.015 a device, one fixture to buy at 200.
    // 200 / 0.05 = 4,000: at 3,999 offline costs 259.935 and in system 259.985; at 4,001, 260.065 and 260.015.
    const at = (qty: number) => compareRoutes(input({
      chip: { part: 'STM32F103C8T6', kind: 'mcu' }, qty, programmedBytes: 131_072, attempts: qty,
      offline: offline({ cycleSec: 12, sites: 4, programmers: 1, wearPerInsertion: 0.03 }),
    }, {
      labourPerHour: 36, offline: { stationPerHour: 18 },
      inSystem: { bytesPerSec: 131_072, connectSec: 1, handlingSecPerLoad: 0, stationPerHour: 18, fixturePrice: 200, fixtureRatedCycles: 100_000, licencePerDevice: 0.003 },
    }));
    const c = at(4_000);
    expect(c.offline.costPerDevice.total).toBe(0.065);
    expect(c.inSystem.costPerDevice.total).toBe(0.015);
    expect(c.breakEven).toEqual({ exact: 4000, quantity: 4000, cheaperBelow: 'offline', cheaperAbove: 'in-system' });
    const below = at(3_999);
    expect(below.offline.totalCost).toBeCloseTo(259.935, 6);
    expect(below.inSystem.totalCost).toBeCloseTo(259.985, 6);
    const above = at(4_001);
    expect(above.offline.totalCost).toBeCloseTo(260.065, 6);
    expect(above.inSystem.totalCost).toBeCloseTo(260.015, 6);
  });
});

describe('offline vs in-system: rules', () => {
  const base = { chip: { part: 'P', kind: 'mcu' }, qty: 1000, programmedBytes: 65_536, attempts: 1000 };

  it('a tie on cost goes in system when the image changes often, and the reason says so', () => {
    // Make both routes cost about the same: equal fixed (0 to buy) and near per-device costs.
    const c = compareRoutes(input({ ...base, offline: offline({ cycleSec: 10, sites: 1, handlingSec: 0, wearPerInsertion: 0 }) }, {
      imageChanges: 'frequent', offline: { stationPerHour: 36 },
      inSystem: { bytesPerSec: 65_536, connectSec: 9, handlingSecPerLoad: 0, stationPerHour: 36, fixturesOwned: 1, fixturePrice: 0 },
    }));
    expect(c.offline.costPerDevice.total).toBe(0.1);
    expect(c.inSystem.costPerDevice.total).toBe(0.1);
    expect(c.recommendation.route).toBe('in-system');
    expect(c.recommendation.reasons.find((r) => r.decisive)?.factor).toBe('image-changes');
  });

  it('programming that overruns the tester slack is charged the held line time', () => {
    // 65,536 B at 6,553.6 B/s = 10 s + 0 connect; test 25 s in a 30 s beat: 5 s slack, 5 s held at 720/h = 1.00 a board.
    const c = compareRoutes(input({ ...base, offline: offline({}) }, {
      inSystem: { bytesPerSec: 6_553.6, connectSec: 0, handlingSecPerLoad: 0, beatSec: 30, testSec: 25, linePerHour: 720 },
    }));
    expect(c.inSystem.costPerDevice.line).toBe(1);
  });

  it('a farm without a healthy site prices the first adapter to buy and has no offline hours', () => {
    const c = compareRoutes(input({ ...base, offline: offline({ sites: 0, programmers: 0 }) }, {}));
    expect(c.offline.hours).toBeNull();
    expect(c.offline.fixedCost).toBe(400);
    expect(c.offline.fixedDetail).toMatch(/1 × qfn48-a at 400/);
  });

  it('every cost figure used is listed with its source, and a settings value names the settings file', () => {
    const c = compareRoutes(input({ ...base, offline: offline({}) }, { labourPerHour: 42 }));
    expect(c.figures.find((f) => f.name === 'labourPerHour')).toEqual({ name: 'labourPerHour', value: 42, source: 'site.json: labourPerHour' });
    expect(c.figures.find((f) => f.name === 'inSystem.bytesPerSec')?.source).toMatch(/SEGGER/);
    for (const f of c.figures) expect(f.source.length).toBeGreaterThan(5);
  });

  it('a board without access to the part leaves offline, whatever it costs, and says why', () => {
    const c = compareRoutes({ ...MCU_EXAMPLE, costs: costSettings({ inSystem: { ...CHEAP_SWD.inSystem, boardAccess: false } }, 'site.json') });
    expect(c.inSystem.totalCost).toBeLessThan(c.offline.totalCost);
    expect(c.inSystem.blocked).toMatch(/no access/);
    expect(c.recommendation.route).toBe('offline');
    expect(c.recommendation.reasons.filter((r) => r.decisive)).toEqual([expect.objectContaining({ factor: 'possible', favours: 'offline' })]);
  });

  it('a part no adapter type fits goes in system, and the offline route says why it cannot', () => {
    const c = compareRoutes(input({ ...base, offline: offline({ sites: 0, programmers: 0, buyType: null, wearPerInsertion: 0 }) }, {}));
    expect(c.offline.blocked).toBe('no adapter type in the catalog fits P');
    expect(c.recommendation.route).toBe('in-system');
  });

  it('a quantity below one is refused', () => {
    expect(() => compareRoutes(input({ ...base, qty: 0, offline: offline({}) }, {}))).toThrow(/at least 1/);
  });
});
