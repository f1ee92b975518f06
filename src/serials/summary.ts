import type { Db } from '../db/open.js';
import { SerialStore } from '../store/serial-ledger.js';
import { compiledRule } from './rules.js';
import { parseRuleSpec } from './rule.js';

/** A rule as planners and scripts see it: its fields and how many of its values are in each state. */
export interface RuleSummary {
  id: number;
  name: string;
  kind: 'computed' | 'generator';
  fields: string[];
  issued: number;
  committed: number;
  voided: number;
  returned: number;
  /** Allocated or written: held by devices in sockets, or left by a run that stopped. */
  open: number;
  /** Values the rule can still issue; null when a generator decides. */
  left: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** Every serial rule with its ledger counts. */
export function ruleSummaries(db: Db): RuleSummary[] {
  const store = new SerialStore(db);
  return store.rules().map((r) => {
    const c = store.counts(r.id);
    const spec = parseRuleSpec(JSON.parse(r.spec));
    let left: string | null = null;
    let kind: RuleSummary['kind'] = 'generator';
    let fields: string[];
    if ('generator' in spec) fields = [`generator ${spec.generator.program} ${spec.generator.args.join(' ')} from ${r.cursor ?? spec.generator.start}${spec.generator.last ? ` to ${spec.generator.last}` : ''}`];
    else {
      kind = 'computed';
      fields = spec.fields.map((f) => `${f.name}: ${f.kind}${'at' in f && f.at !== null ? ` at 0x${BigInt(f.at).toString(16).toUpperCase()}` : ''}${f.kind === 'counter' ? ` ${f.encoding} from ${f.prefix}${f.start}${f.suffix} step ${f.step}` : f.kind === 'mac' ? ` ${f.first}..${f.last}` : ` ${f.file}`}`);
      try {
        const compiled = compiledRule(r);
        if (compiled.kind === 'computed') left = String(compiled.capacity - BigInt(r.nextK) + BigInt(c.returned ?? 0));
      } catch (e) {
        fields.push(`(cannot be used now: ${(e as Error).message})`);
      }
    }
    return {
      id: r.id,
      name: r.name,
      kind,
      fields,
      issued: r.nextK,
      committed: c.committed ?? 0,
      voided: c.voided ?? 0,
      returned: c.returned ?? 0,
      open: (c.allocated ?? 0) + (c.written ?? 0),
      left,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
    };
  });
}
