import { JobError } from '../errors.js';
import { Counter } from './counter.js';
import type { ListRecord } from './list-file.js';
import { MacRange } from './mac.js';
import { ruleSchema, type GeneratorSpec, type ListFieldSpec, type RuleSpec } from './spec.js';
import type { FieldValue, SerialValue } from './value.js';

/** A rule whose values are computed from the device's index in the rule's ledger. */
export interface ComputedRule {
  kind: 'computed';
  name: string;
  /** How many values the rule can issue in all. */
  capacity: bigint;
  /** The values of the k-th issue (k from 0). */
  valueAt(k: bigint): SerialValue;
}

/** A rule whose values come from a customer's generator program, one call a device. */
export interface GeneratorRule {
  kind: 'generator';
  name: string;
  generator: GeneratorSpec;
}

/** A serial rule ready to issue values. */
export type CompiledRule = ComputedRule | GeneratorRule;

/** Validates a rule document (a rule file's JSON, or the spec stored in the database). */
export function parseRuleSpec(doc: unknown, file?: string): RuleSpec {
  const r = ruleSchema.safeParse(doc);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : '(the document)';
  throw new JobError('serial-rule', `${where}: ${issue.message}`, { file });
}

/** Compiles a rule; `records` supplies the records of a list field's file (already read and pinned). */
export function compileRule(spec: RuleSpec, records: (f: ListFieldSpec) => ListRecord[]): CompiledRule {
  if ('generator' in spec) return { kind: 'generator', name: spec.name, generator: spec.generator };
  const fields = spec.fields.map((f) => {
    if (f.kind === 'counter') return new Counter(f);
    if (f.kind === 'mac') return new MacRange(f);
    return new ListField(f, records(f));
  });
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw new JobError('serial-rule', `rule ${spec.name}: two fields are named ${f.name}`);
    names.add(f.name);
  }
  const capacity = fields.reduce((m, f) => (f.capacity() < m ? f.capacity() : m), fields[0].capacity());
  return {
    kind: 'computed',
    name: spec.name,
    capacity,
    valueAt(k: bigint): SerialValue {
      const values = fields.map((f) => f.valueAt(k));
      return { value: values[0].text, fields: values };
    },
  };
}

/** A list field: the k-th record from the start label. */
class ListField {
  readonly name: string;
  private readonly from: number;

  constructor(spec: ListFieldSpec, private readonly records: ListRecord[]) {
    this.name = spec.name;
    if (spec.startLabel === undefined) this.from = 0;
    else {
      this.from = records.findIndex((r) => r.label.toLowerCase() === spec.startLabel!.toLowerCase());
      if (this.from < 0) throw new JobError('serial-rule', `field ${spec.name}: start label [${spec.startLabel}] is not in ${spec.file}`);
    }
  }

  capacity(): bigint {
    return BigInt(this.records.length - this.from);
  }

  valueAt(k: bigint): FieldValue {
    const r = this.records[this.from + Number(k)];
    if (k >= this.capacity() || r === undefined) throw new JobError('serial-exhausted', `field ${this.name}: the list has no record ${k + 1n} after its start`);
    return { name: this.name, text: r.label, writes: r.writes };
  }
}
