import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { root } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir();

/**
 * A copy of gangflash whose better-sqlite3 has a native module that cannot load (garbage where the prebuilt binary
 * belongs): the source is copied, every other package is linked to the real one.
 */
function brokenInstall(): string {
  const copy = path.join(dir, 'broken');
  for (const d of ['src', 'chipdb', 'adapters']) fs.cpSync(path.join(root, d), path.join(copy, d), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
  const modules = path.join(copy, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (name === 'better-sqlite3' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  const sqlite = path.join(modules, 'better-sqlite3');
  const real = path.join(root, 'node_modules', 'better-sqlite3');
  fs.cpSync(path.join(real, 'lib'), path.join(sqlite, 'lib'), { recursive: true });
  fs.copyFileSync(path.join(real, 'package.json'), path.join(sqlite, 'package.json'));
  fs.mkdirSync(path.join(sqlite, 'prebuilds'));
  for (const f of fs.readdirSync(path.join(real, 'prebuilds'))) fs.writeFileSync(path.join(sqlite, 'prebuilds', f), 'not a shared object\n');
  return copy;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('a broken install', () => {
  it('a native module that cannot load is reported as an install problem (exit 7), and the database is untouched', () => {
    const db = path.join(dir, 'good.db');
    openDb(db).close();
    const before = { hash: sha256(db), mtime: fs.statSync(db).mtimeMs, files: fs.readdirSync(dir).sort() };
    const copy = brokenInstall();
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(copy, 'src/cli/entry.ts'), '--db', db, 'lot', 'show', 'L1', '--json'], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(7);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('install-native-module');
    expect(err.message).toContain('npm rebuild better-sqlite3');
    expect(err.message).toContain(process.versions.node);
    expect(r.stderr).toContain('[install-native-module]');
    expect(r.stderr).not.toMatch(/damaged|\n\s+at /);
    expect({ hash: sha256(db), mtime: fs.statSync(db).mtimeMs, files: fs.readdirSync(dir).filter((f) => f !== 'broken').sort() }).toEqual({
      ...before,
      files: before.files,
    });
  });

  it('a missing database path is not created when the native module cannot load', () => {
    const copy = path.join(dir, 'broken');
    const db = path.join(dir, 'never.db');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(copy, 'src/cli/entry.ts'), '--db', db, 'db', 'init'], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(7);
    expect(fs.existsSync(db)).toBe(false);
  });
});

/** The machine's own Node.js, when it is older than gangflash supports (Node 20 on the build machines). */
function oldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const r = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    if (r.status === 0 && Number(r.stdout.split('.')[0]) < 22) return candidate;
  }
  return undefined;
}

describe('an unsupported Node.js', () => {
  const node = oldNode();
  it.skipIf(!node)('bin/gangflash.js refuses it in one line with exit 1, before loading anything native', () => {
    const r = spawnSync(node!, [path.join(root, 'bin/gangflash.js'), '--version'], { encoding: 'utf8' });
    const version = spawnSync(node!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`gangflash needs Node.js 22.12 or newer (the 22 or 24 LTS line); this is ${version}\n`);
  });
  if (!node) console.log('skipped the old-Node refusal test: no Node.js older than 22 on this machine');
});
