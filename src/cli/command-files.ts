/** Command files that register a top-level command whose name is not the file's own (`chip` in chips.ts). */
const ALSO: Record<string, string[]> = { chip: ['chips'], db: ['db', 'dbtools'], adapters: ['adapters', 'forecast'] };

/** Options that take a value before the command name. */
const GLOBAL_WITH_VALUE = new Set(['--db']);

/**
 * The command files `argv` needs (basenames without extension, from `available`): only the named command's, so a
 * command never pays for loading the others; every file for help, an unknown name or no command; none for the version.
 */
export function commandFiles(argv: string[], available: string[]): string[] {
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return available;
    if (a === '--version' || a === '-V') return [];
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    name = a;
    break;
  }
  if (name === undefined || name === 'help') return available;
  const wanted = ALSO[name] ?? [name];
  const found = available.filter((f) => wanted.includes(f));
  return found.length > 0 ? found : available;
}

/**
 * True when `argv` asks only for the top-level help: `--help` or `-h` before any command name, `help` alone, or no
 * command at all (options such as `--db PATH` aside).
 */
export function topLevelHelpOnly(argv: string[]): boolean {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') i++;
    else if ((a === '--help' || a === '-h') && names.length === 0) return true;
    else if (a === '--version' || a === '-V') return false;
    else if (!a.startsWith('-')) names.push(a);
  }
  return names.length === 0 || (names.length === 1 && names[0] === 'help');
}
