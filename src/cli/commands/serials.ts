import fs from 'node:fs';
import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { JobError } from '../../errors.js';
import { addSerialRule } from '../../serials/rules.js';
import { ruleSummaries, type RuleSummary } from '../../serials/summary.js';

/** Reads a rule file as JSON, naming the file in every error. */
function readRuleFile(file: string): unknown {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) throw new JobError('serial-rule', 'a rule file is a regular JSON file of at most 1 MiB', { file });
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if (e instanceof JobError) throw e;
    throw new JobError('serial-rule', `cannot read the rule file: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JobError('serial-rule', `not valid JSON: ${(e as Error).message}`, { file });
  }
}

function showRule(r: RuleSummary): void {
  say(`rule ${r.name} (${r.kind})  issued ${r.issued}  committed ${r.committed}  voided ${r.voided}  returned ${r.returned}  open ${r.open}  left ${r.left ?? 'generator decides'}`);
  for (const f of r.fields) say(`  ${f}`);
}

/** `gangflash serials rule add|list|show`. */
export function register(program: Command): void {
  const serials = program.command('serials').description('serial rules and their ledger: every value issued, and what became of it');
  const rule = serials.command('rule').description('serial rules: counters, MAC ranges, list files, external generators');

  rule
    .command('add')
    .description('add a rule from a JSON file (docs/serials.md); list files are pinned by SHA-256')
    .requiredOption('--file <rule.json>', 'the rule file')
    .option('--by <name>', 'who made the rule (default: $GANGFLASH_OPERATOR or the login name)')
    .option('--json', 'print the rule as JSON')
    .action(function (this: Command, o: { file: string; by?: string; json?: boolean }) {
      const doc = readRuleFile(o.file);
      const by = o.by ?? process.env.GANGFLASH_OPERATOR ?? process.env.USER ?? null;
      const summary = withDb(this, (db) => {
        const id = addSerialRule(db, doc, { file: o.file, by });
        return ruleSummaries(db).find((r) => r.id === id)!;
      });
      if (o.json) return printJson(summary);
      say(`serial rule ${summary.name} added`);
      showRule(summary);
    });

  rule
    .command('list')
    .description('every rule with its counts: issued, committed, voided, returned, open, left')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { json?: boolean }) {
      const rules = withDb(this, (db) => ruleSummaries(db));
      if (o.json) return printJson(rules);
      if (rules.length === 0) return say('no serial rules yet; add one with `gangflash serials rule add --file RULE.json`');
      say(
        table(rules, [
          { header: 'rule', get: (r) => r.name },
          { header: 'kind', get: (r) => r.kind },
          { header: 'issued', get: (r) => r.issued, align: 'right' },
          { header: 'committed', get: (r) => r.committed, align: 'right' },
          { header: 'voided', get: (r) => r.voided, align: 'right' },
          { header: 'returned', get: (r) => r.returned, align: 'right' },
          { header: 'left', get: (r) => r.left ?? '-', align: 'right' },
        ]),
      );
    });

  rule
    .command('show <name>')
    .description('one rule: its fields and counts')
    .option('--json', 'print as JSON')
    .action(function (this: Command, name: string, o: { json?: boolean }) {
      const r = withDb(this, (db) => ruleSummaries(db).find((x) => x.name === name));
      if (!r) throw new JobError('serial-rule-missing', `no serial rule named ${name}; \`gangflash serials rule list\` shows them`);
      if (o.json) return printJson(r);
      showRule(r);
    });
}
