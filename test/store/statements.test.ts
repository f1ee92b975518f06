import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { statements } from '../../src/store/statements.js';

describe('store statements', () => {
  it('a family is prepared once per connection and again on another connection', () => {
    const family = {};
    let prepared = 0;
    const make = (db: Database.Database) => {
      prepared++;
      return { one: db.prepare('SELECT 1 AS v') };
    };
    const a = new Database(':memory:');
    const b = new Database(':memory:');
    const first = statements(a, family, make);
    expect(statements(a, family, make)).toBe(first);
    expect(prepared).toBe(1);
    expect(statements(b, family, make)).not.toBe(first);
    expect(prepared).toBe(2);
    expect(first.one.get()).toEqual({ v: 1 });
    a.close();
    b.close();
  });
});
