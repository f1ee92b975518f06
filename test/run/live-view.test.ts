import { describe, expect, it } from 'vitest';
import { siteCells, type SiteCell } from '../../src/cli/live-view.js';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const gang = (n: number): [number, SiteCell][] =>
  Array.from({ length: n }, (_, i): [number, SiteCell] => [i, i % 5 === 0 ? { stage: 'done', pct: 100, last: i === 5 ? 'fail' : 'pass' } : { stage: 'program', pct: 10 + i }]);

describe('live view', () => {
  it('shows every site with its stage and percent when the terminal is wide enough', () => {
    expect(plain(siteCells(gang(8), 69))).toBe('  ok  P 11% P 12% P 13% P 14%  FAIL P 16% P 17%');
  });

  it('a 16-site gang stays on one line of an 80-column terminal: one column per site and the least progress', () => {
    const line = plain(siteCells(gang(16), 80 - 11));
    expect(line.length).toBeLessThanOrEqual(69);
    expect(line).toBe('✓PPPP✗PPPP✓PPPP✓  11%');
  });
});
