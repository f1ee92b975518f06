import type { Db } from '../db/open.js';
import { compileRule } from '../serials/rule.js';
import type { RuleSpec } from '../serials/spec.js';
import { SerialStore } from '../store/serial-ledger.js';
import type { SerialRule as LegacyRule } from './serial.js';

/** The rule equivalent to a `--serial START[:STEP][@OFFSET]` job option. */
export function ruleFromLegacy(name: string, r: LegacyRule): RuleSpec {
  return {
    name,
    fields: [{ kind: 'counter', name: 'serial', at: r.offset, start: String(r.start).padStart(r.width, '0'), step: r.step, radix: 10, width: r.width, prefix: r.prefix, suffix: '', encoding: 'ascii', bytes: 4 }],
  };
}

/**
 * The id of the rule a job's `--serial` option stands for: the rule named after the job when its definition is the
 * same (so every lot and version of the job draws from one ledger), created when missing. Values the per-lot
 * numbering of schema 3 issued under the job's name are skipped.
 */
export function ruleForLegacy(db: Db, jobName: string, r: LegacyRule): number {
  const store = new SerialStore(db);
  for (let i = 0; ; i++) {
    const name = i === 0 ? jobName : `${jobName}-${i + 1}`;
    const spec = ruleFromLegacy(name, r);
    const have = store.ruleByName(name);
    if (have) {
      if (have.spec === JSON.stringify(spec)) return have.id;
      continue;
    }
    compileRule(spec, () => []);
    const id = store.addRule(name, JSON.stringify(spec), '{}', null);
    const max = store.legacyMax(jobName);
    if (max !== null && max >= r.start) store.advance(id, Math.floor((max - r.start) / r.step) + 1, null);
    return id;
  }
}
