import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { atomically, atomicallyNow } from '../../src/store/atomic.js';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE t (v INTEGER)');
  return d;
}
const count = (d: Database.Database) => d.prepare('SELECT count(*) FROM t').pluck().get() as number;

describe('store transactions', () => {
  it('steps that finish commit every write and return their value', () => {
    const d = db();
    const ins = d.prepare('INSERT INTO t VALUES (?)');
    expect(atomically(d, () => (ins.run(1), ins.run(2), 'done'))).toBe('done');
    expect(count(d)).toBe(2);
  });

  it('steps that throw leave no write behind, and the error reaches the caller unchanged', () => {
    const d = db();
    const ins = d.prepare('INSERT INTO t VALUES (?)');
    const refused = new Error('refused by a rule');
    expect(() => atomicallyNow(d, () => (ins.run(1), ins.run(2), (() => { throw refused; })()))).toThrow(refused);
    expect(count(d)).toBe(0);
  });

  it('steps inside another transaction are part of it: the outer rollback undoes them too', () => {
    const d = db();
    const ins = d.prepare('INSERT INTO t VALUES (?)');
    expect(() =>
      atomically(d, () => {
        atomically(d, () => ins.run(1));
        expect(count(d)).toBe(1);
        throw new Error('outer step failed');
      }),
    ).toThrow('outer step failed');
    expect(count(d)).toBe(0);
    expect(d.inTransaction).toBe(false);
  });

  it('an inner failure caught by the outer steps rolls back only the inner writes', () => {
    const d = db();
    const ins = d.prepare('INSERT INTO t VALUES (?)');
    atomically(d, () => {
      ins.run(1);
      try {
        atomically(d, () => (ins.run(2), (() => { throw new Error('inner'); })()));
      } catch {
        // the outer steps go on without the inner writes
      }
    });
    expect(d.prepare('SELECT v FROM t').pluck().all()).toEqual([1]);
  });
});
