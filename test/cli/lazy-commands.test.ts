import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { commandFiles } from '../../src/cli/command-files.js';

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
});
