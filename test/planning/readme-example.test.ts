import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonText } from '../../src/cli/plan-compare.js';
import { compareRoutes } from '../../src/planning/compare.js';
import { standaloneSvg } from '../../src/report/compare-style.js';
import { costLinesSvg } from '../../src/report/svg-cost-lines.js';
import { root } from '../helpers/cli.js';
import { MCU_EXAMPLE } from './compare-examples.js';

/** The README's example comparison and its chart, as the code renders them today. */
export function readmeExample(): { text: string; svg: string } {
  const c = compareRoutes(MCU_EXAMPLE);
  return { text: comparisonText(c).join('\n'), svg: standaloneSvg(costLinesSvg(c)) };
}

describe('the README\'s planner section', () => {
  it('shows the MCU worked example\'s comparison as `plan --compare isp` prints it, and its chart as rendered', () => {
    const { text, svg } = readmeExample();
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('```text\n' + text + '\n```');
    expect(readme).toContain('![cost over quantity: offline and in system cross at the break-even](docs/plan-compare-example.svg)');
    expect(fs.readFileSync(path.join(root, 'docs/plan-compare-example.svg'), 'utf8')).toBe(svg);
  });
});
