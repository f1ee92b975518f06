import path from 'node:path';
import { FarmError } from '../errors.js';
import { readTextFile } from '../text-file.js';
import { checkSpec, jsonPath } from '../programmers/registry.js';
import { farmSchema, type FarmProgrammerSpec, type FarmSpec } from './schema.js';

/** Line number (1-based) of a character offset. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Parses JSON, turning a syntax error into a FarmError with the file and line. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? lineOf(text, Number(m[1])) : undefined;
    throw new FarmError('farm-json', `not valid JSON: ${(e as Error).message}`, { file, line });
  }
}

/**
 * Validates a farm document (already parsed): its shape, unique names/serials/adapters, adapters per site, and each
 * programmer's driver options. `baseDir` resolves relative blockdev targets. Throws one FarmError listing every
 * bad field by JSON path.
 */
export function validateFarm(doc: unknown, file?: string, baseDir = process.cwd()): FarmSpec {
  const parsed = farmSchema.safeParse(doc);
  const issues: string[] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push(`${jsonPath(i.path) || '(top level)'}: ${i.message}`);
    throw new FarmError('farm-invalid', `farm file is not valid: ${issues.join('; ')}`, { file });
  }
  const names = new Map<string, number>();
  const serials = new Map<string, number>();
  const adapters = new Map<string, string>();
  const programmers: FarmProgrammerSpec[] = parsed.data.programmers.map((p, i) => {
    const at = `programmers[${i}]`;
    if (names.has(p.name)) issues.push(`${at}.name: "${p.name}" is already used by programmers[${names.get(p.name)}]`);
    names.set(p.name, i);
    if (serials.has(p.serial)) issues.push(`${at}.serial: "${p.serial}" is already used by programmers[${serials.get(p.serial)}]`);
    serials.set(p.serial, i);
    const list = p.adapters ?? [];
    if (list.length > p.sites) issues.push(`${at}.adapters: lists ${list.length} adapters for ${p.sites} sites`);
    list.forEach((a, s) => {
      if (a === null) return;
      if (adapters.has(a)) issues.push(`${at}.adapters[${s}]: adapter "${a}" is already mounted at ${adapters.get(a)}`);
      adapters.set(a, `${at} site ${s}`);
    });
    const options = { ...(p.options ?? {}) };
    if (p.driver === 'blockdev' && Array.isArray(options.targets)) {
      options.targets = options.targets.map((t) => (typeof t === 'string' ? path.resolve(baseDir, t) : t));
    }
    const spec: FarmProgrammerSpec = { ...p, options, adapters: Array.from({ length: p.sites }, (_, s) => list[s] ?? null) };
    for (const issue of checkSpec(spec).issues) issues.push(`${at}.${jsonPath(issue.path)}: ${issue.message}`);
    return spec;
  });
  if (issues.length > 0) throw new FarmError('farm-invalid', `farm file is not valid: ${issues.join('; ')}`, { file });
  return { file, programmers };
}

/** Reads and validates a farm.json file; relative paths in it are resolved against the file's folder. */
export function loadFarmFile(file: string): FarmSpec {
  const text = readTextFile(file, (p) =>
    p.kind === 'not-a-file'
      ? new FarmError('farm-unreadable', 'is not a regular file (a folder, pipe or device); give the path of a farm.json file', { file })
      : new FarmError('farm-unreadable', `cannot read the farm file: ${p.error.message}`, { file }),
  );
  return validateFarm(parseJson(text, file), file, path.dirname(path.resolve(file)));
}
