import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { commandFiles, topLevelHelpOnly } from '../../src/cli/command-files.js';

describe('commands load lazily', () => {
  it('every command of the full tree is there, with all its subcommands, when only its own files are loaded', async () => {
    const full = await buildProgram();
    const names = full.commands.map((c) => c.name());
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      const lazy = await buildProgram(undefined, [name, '--json']);
      const want = full.commands.find((c) => c.name() === name)!;
      const got = lazy.commands.find((c) => c.name() === name);
      expect(got, `command ${name}`).toBeDefined();
      expect(got!.commands.map((c) => c.name()).sort(), `subcommands of ${name}`).toEqual(want.commands.map((c) => c.name()).sort());
    }
  });

  it('--version loads no command file, a named command only its own, help and unknown names every one', () => {
    const all = ['adapters', 'chips', 'db', 'dbtools', 'forecast', 'run'];
    expect(commandFiles(['--version'], all)).toEqual([]);
    expect(commandFiles(['--db', 'x.db', 'run', '--lot', 'L'], all)).toEqual(['run']);
    expect(commandFiles(['db', 'check'], all)).toEqual(['db', 'dbtools']);
    expect(commandFiles(['adapters', 'forecast'], all)).toEqual(['adapters', 'forecast']);
    expect(commandFiles(['chip', 'show', 'X'], all)).toEqual(['chips']);
    expect(commandFiles(['--help'], all)).toEqual(all);
    expect(commandFiles(['runn'], all)).toEqual(all);
    expect(commandFiles([], all)).toEqual(all);
  });

  it('the top-level help comes from the command index without a command file, and says what the full tree says', async () => {
    const full = await buildProgram();
    const help = full.createHelp();
    const index = full.commands.map((c) => `  { term: ${JSON.stringify(help.subcommandTerm(c))}, description: ${JSON.stringify(c.description())} },`).join('\n');
    for (const argv of [['--help'], [], ['help'], ['--db', 'x.db', '-h'], ['--json', '--help']]) {
      const lazy = await buildProgram(undefined, argv);
      expect(lazy.commands.every((c) => c.commands.length === 0 && c.options.length === 0), `stubs for ${argv.join(' ')}`).toBe(true);
      expect(lazy.helpInformation(), `top-level help for "${argv.join(' ')}"; TOP_LEVEL_COMMANDS in src/cli/command-index.ts should read:\n${index}\n`).toBe(full.helpInformation());
    }
    expect([['help', 'run'], ['run', '--help'], ['--version'], ['chips']].map(topLevelHelpOnly)).toEqual([false, false, false, false]);
  });
});
