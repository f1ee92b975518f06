import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-notadb-');

/** Every command a user might run first on the file: none may initialise it, read it as empty or back it up. */
const commands = [['lot', 'list'], ['lot', 'show', 'LOT-1'], ['db', 'check'], ['db', 'backup'], ['db', 'init'], ['programmers', 'list']];

describe('a file at --db that is not a database is reported as damaged, never initialised over', () => {
  for (const [name, content] of [
    ['a zero-length file', Buffer.alloc(0)],
    ['a text file', Buffer.from('lot,reel,part\nL1,R1,X\n')],
    ['a file of 8 KiB of zeros', Buffer.alloc(8192)],
  ] as const) {
    it(`${name} at --db is "database damaged" (exit 1) for lot, db check, db backup and db init, and stays as it was`, () => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
      fs.writeFileSync(file, content);
      for (const args of commands) {
        const r = runCli(['--db', file, ...args]);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(EXIT.userError);
        expect(r.stderr, args.join(' ')).toMatch(/is not a readable gangflash database .*\[db-damaged\]/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(fs.readFileSync(file).equals(content)).toBe(true);
      expect(fs.existsSync(`${file}.backups`)).toBe(false);
      expect(fs.existsSync(`${file}-wal`)).toBe(false);
    });
  }

  it('db init on a path that does not exist creates the database', () => {
    const file = path.join(dir, 'new.db');
    const r = runCli(['--db', file, 'db', 'init']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(runCli(['--db', file, 'db', 'check']).code).toBe(EXIT.ok);
  });

  it('db init in a folder that does not exist is refused with exit 1 naming the folder, not an internal error', () => {
    const file = path.join(dir, 'no-such-folder', 'new.db');
    const r = runCli(['--db', file, 'db', 'init', '--json']);
    expect(r.code).toBe(EXIT.userError);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'db-folder-missing', file });
    expect(r.stderr).toContain(`the folder ${path.dirname(file)} does not exist (or is not a folder); create it first or pass another --db`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
    const aFile = path.join(dir, 'reels.csv');
    fs.writeFileSync(aFile, 'lot,reel\n');
    const under = runCli(['--db', path.join(aFile, 'new.db'), 'db', 'init']);
    expect(under.code).toBe(EXIT.userError);
    expect(under.stderr).toContain(`the folder ${aFile} does not exist (or is not a folder)`);
    expect(under.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a directory at --db is refused with exit 1 naming it', () => {
    const r = runCli(['--db', dir, 'lot', 'list']);
    expect(r.code).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/is not a regular file.*\[db-not-a-file\]/);
  });

  it('database errors name the --db path once: in front of the message, never again inside it', () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database\n');
    const missing = path.join(dir, 'missing.db');
    for (const [file, code, words] of [
      [text, 'db-damaged', 'is not a readable gangflash database'],
      [dir, 'db-not-a-file', 'is not a regular file'],
      [missing, 'db-missing', 'no such database'],
    ] as const) {
      const r = runCli(['--db', file, 'lot', 'list']);
      expect(r.code, r.stderr).toBe(EXIT.userError);
      expect(r.stderr).toContain(`gangflash: ${file}: ${words}`);
      expect(r.stderr.split(file).length - 1, r.stderr).toBe(1);
      const j = runCli(['--db', file, 'lot', 'list', '--json']);
      const err = JSON.parse(j.stdout).error;
      expect(err).toMatchObject({ code, file });
      expect(err.message).not.toContain(file);
    }
  });

  it('an empty --db or GANGFLASH_DB is refused as a usage error, never read as the current folder', () => {
    for (const args of [['lot', 'list'], ['db', 'init'], ['demo']]) {
      const flag = runCli(['--db', '', ...args, '--json']);
      expect(flag.code, flag.stderr).toBe(EXIT.userError);
      expect(JSON.parse(flag.stdout).error).toMatchObject({ code: 'bad-option', message: expect.stringMatching(/^--db is empty; /) });
      expect(flag.stderr).not.toContain(root); // the current folder of the child
      const env = runCli([...args], { env: { GANGFLASH_DB: '' } });
      expect(env.code, env.stderr).toBe(EXIT.userError);
      expect(env.stderr).toContain('gangflash: GANGFLASH_DB is empty; ');
      expect(env.stderr).not.toContain(root);
    }
    // A --db given beside an empty GANGFLASH_DB wins, as any --db does.
    const both = runCli(['--db', path.join(dir, 'none.db'), 'lot', 'list'], { env: { GANGFLASH_DB: '' } });
    expect(both.stderr).toContain('[db-missing]');
  });
});
