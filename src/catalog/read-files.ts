import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { CatalogError } from '../errors.js';
import { readTextFile } from '../text-file.js';
import type { Chip } from './chip.js';
import { adapterViolations, chipViolations } from './invariants.js';
import {
  adapterFileSchema,
  adapterTypeSchema,
  chipFileSchema,
  chipSchema,
  programmerFamilySchema,
  programmerModelSchema,
  programmersFileSchema,
  type AdapterTypeEntry,
  type ProgrammerFamilyEntry,
  type ProgrammerModelEntry,
} from './schema.js';

/** Where the three catalogs are read from. */
export interface CatalogPaths {
  /** Folder of chip files (`*.json`). @default chipdb/chips of the package */
  chipDir: string;
  /** Folder of adapter-type files (`*.json`). @default adapters/ of the package */
  adapterDir: string;
  /** The programmer families/models file. @default chipdb/programmers.json of the package */
  programmersFile: string;
}

/** A chip with the catalog file it came from. */
export type CatalogChip = Chip & { catalogFile: string };
/** An adapter type with the catalog file it came from. */
export type CatalogAdapterType = AdapterTypeEntry & { catalogFile: string };

/** Everything the catalogs hold, validated. */
export interface CatalogData {
  families: ProgrammerFamilyEntry[];
  models: ProgrammerModelEntry[];
  chips: CatalogChip[];
  adapterTypes: CatalogAdapterType[];
}

function readJson(file: string): unknown {
  const text = readTextFile(file, (p) =>
    p.kind === 'not-a-file'
      ? new CatalogError('catalog-unreadable', 'is not a regular file (a folder, pipe or device); give the path of a catalog JSON file', { file })
      : new CatalogError('catalog-unreadable', `cannot read catalog file (${p.error.message}); check the path`, { file }),
  );
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CatalogError('catalog-json', `not valid JSON (${(e as Error).message}); fix the syntax`, { file });
  }
}

/** Describes the first zod issue as "field X: problem". */
function firstIssue(err: z.ZodError, prefix = ''): { field: string; problem: string } {
  const issue = err.issues[0];
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(entry)';
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return { field, problem: missing ? 'is missing' : issue.message };
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string, entry: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const { field, problem } = firstIssue(r.error);
  throw new CatalogError('catalog-invalid', `${entry}: field ${field} ${problem}; fix the entry and run \`gangflash db init\` again`, { file });
}

/** The label of entry `i` of a list: its key (part number / id) when it has one. */
function entryName(kind: string, list: string, i: number, raw: unknown, key: string): string {
  const k = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof k === 'string' && k ? `${kind} ${k} (${list}[${i}])` : `${kind} ${list}[${i}]`;
}

function jsonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new CatalogError('catalog-missing', `catalog folder ${dir} does not exist`, { file: dir });
  if (!fs.statSync(dir).isDirectory()) throw new CatalogError('catalog-missing', `${dir} is not a folder; give the catalog folder that holds the .json files`, { file: dir });
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  if (files.length === 0) throw new CatalogError('catalog-empty', `catalog folder ${dir} holds no .json files`, { file: dir });
  return files;
}

/** Reads and validates the programmer, chip and adapter catalogs; throws a CatalogError naming file, entry and field. */
export function readCatalogs(paths: CatalogPaths): CatalogData {
  const pf = paths.programmersFile;
  const progs = parseOrThrow(programmersFileSchema, readJson(pf), pf, 'file');
  const families = progs.families.map((raw, i) => parseOrThrow(programmerFamilySchema, raw, pf, entryName('family', 'families', i, raw, 'family')));
  const familyNames = new Set<string>();
  families.forEach((f, i) => {
    if (familyNames.has(f.family)) throw new CatalogError('catalog-duplicate', `family ${f.family} (families[${i}]): field family is a duplicate`, { file: pf });
    familyNames.add(f.family);
  });
  const modelNames = new Set<string>();
  const models = progs.models.map((raw, i) => {
    const name = entryName('model', 'models', i, raw, 'model');
    const m = parseOrThrow(programmerModelSchema, raw, pf, name);
    if (!familyNames.has(m.family)) throw new CatalogError('catalog-invalid', `${name}: field family names unknown family "${m.family}"`, { file: pf });
    if (modelNames.has(m.model)) throw new CatalogError('catalog-duplicate', `${name}: field model is a duplicate`, { file: pf });
    if ((m.vid === undefined) !== (m.pid === undefined)) throw new CatalogError('catalog-invalid', `${name}: field vid/pid must be given together`, { file: pf });
    modelNames.add(m.model);
    return m;
  });

  const chips: CatalogChip[] = [];
  const partFile = new Map<string, string>();
  for (const file of jsonFiles(paths.chipDir)) {
    const doc = parseOrThrow(chipFileSchema, readJson(file), file, 'file');
    doc.chips.forEach((raw, i) => {
      const name = entryName('chip', 'chips', i, raw, 'part');
      const { notes: _notes, ...chip } = parseOrThrow(chipSchema, raw, file, name);
      const v = chipViolations(chip as Chip)[0];
      if (v) throw new CatalogError('catalog-invariant', `${name}: field ${v.field} ${v.problem}`, { file });
      const key = chip.part.toUpperCase();
      const seen = partFile.get(key);
      if (seen !== undefined)
        throw new CatalogError('catalog-duplicate', `${name}: field part is a duplicate of the entry in ${path.basename(seen)}; keep one`, { file });
      partFile.set(key, file);
      chips.push({ ...(chip as Chip), catalogFile: path.basename(file) });
    });
  }

  const adapterTypes: CatalogAdapterType[] = [];
  const idFile = new Map<string, string>();
  for (const file of jsonFiles(paths.adapterDir)) {
    const doc = parseOrThrow(adapterFileSchema, readJson(file), file, 'file');
    doc.adapterTypes.forEach((raw, i) => {
      const name = entryName('adapter type', 'adapterTypes', i, raw, 'id');
      const t = parseOrThrow(adapterTypeSchema, raw, file, name);
      const v = adapterViolations(t, familyNames)[0];
      if (v) throw new CatalogError('catalog-invariant', `${name}: field ${v.field} ${v.problem}`, { file });
      const seen = idFile.get(t.id);
      if (seen !== undefined)
        throw new CatalogError('catalog-duplicate', `${name}: field id is a duplicate of the entry in ${path.basename(seen)}; keep one`, { file });
      idFile.set(t.id, file);
      adapterTypes.push({ ...t, catalogFile: path.basename(file) });
    });
  }
  return { families, models, chips, adapterTypes };
}
