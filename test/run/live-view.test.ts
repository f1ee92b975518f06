import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { fit } from '../../src/cli/screen.js';
import { siteGrid, type ProgrammerSlots, type SiteSlot } from '../../src/cli/site-grid.js';

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const gang = (name: string, n: number, off: number[] = []): ProgrammerSlots => ({
  name,
  sites: Array.from({ length: n }, (_, i): SiteSlot =>
    off.includes(i) ? { site: i, state: 'off', reason: 'disabled (bent pin)', passed: 4, failed: 3 } : { site: i, state: i % 5 === 0 ? 'fail' : 'pass', passed: 100 + i, failed: i % 3 }),
});

describe('live view site grid', () => {
  for (const width of [79, 159]) {
    it(`shows every site of an 8-site and a 16-site programmer with its number, state and counts within ${width + 1} columns`, () => {
      const lines = siteGrid([gang('sim-1', 8), gang('sim-2', 16)], width);
      for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
      const text = plain(lines.join('\n'));
      for (let s = 0; s < 16; s++) expect(text).toMatch(new RegExp(`(^|\\s)${s} [✓✗] (ok|fail) +${100 + s}/${s % 3}`, 'm'));
      expect(text.match(/ok|fail/g)).toHaveLength(24);
    });
  }

  it('a disabled site keeps its number and place, shows OFF, and its reason is listed under the grid', () => {
    const withOff = siteGrid([gang('sim-1', 8, [3])], 79).map(plain);
    const without = siteGrid([gang('sim-1', 8)], 79).map(plain);
    expect(withOff[0].indexOf(' 4 ')).toBe(without[0].indexOf(' 4 '));
    expect(withOff[0]).toMatch(/ 3 OFF +4\/3/);
    expect(withOff.at(-1)).toBe('sim-1 site 3 OFF: disabled (bent pin)');
  });

  it('sites of a 16-site programmer sit in equal rows, so site n is always under site n minus a row', () => {
    const lines = siteGrid([gang('sim-1', 16)], 79).map(plain);
    expect(lines).toHaveLength(4);
    expect(lines[1].indexOf(' 4 ')).toBe(lines[0].indexOf(' 0 '));
  });
});

describe('fitting a line to the terminal', () => {
  it('cuts by display cells, counting wide characters as two and colour escapes as none, and never splits an escape', () => {
    const line = `\x1b[32m${'✓ ok '.repeat(30)}\x1b[0m 漢字漢字`;
    const cut = fit(line, 40);
    expect(stringWidth(cut)).toBe(40);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/\x1b(?!\[[0-9;]*m)/);
    expect(fit('漢字漢字', 5)).toBe('漢字\x1b[0m…');
    expect(fit(`\x1b[31mshort\x1b[0m`, 40)).toBe(`\x1b[31mshort\x1b[0m`);
  });
});

describe('live view on a stream that is not a terminal', () => {
  it('writes no cursor moves or bells, only the alarms and the last frame as plain text', async () => {
    const { PassThrough } = await import('node:stream');
    const { LiveView } = await import('../../src/cli/live-view.js');
    const stream = Object.assign(new PassThrough(), { isTTY: false, columns: undefined });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const view = new LiveView({ lot: 'L', imageSha256: 'ab'.repeat(32), programmers: [gang('sim-1', 4, [1])], activeAlarms: ['sim-1 site 1 is OFF'], bell: true }, stream as never);
    view.onEvent({ type: 'alarm', at: '', code: 'site-disabled', message: 'sim-1 site 2 disabled after 3 failed devices in a row (last: bad-contact); check the socket', programmer: 'sim-1', site: 2 });
    view.stop();
    expect(text).not.toMatch(/\x1b|\x07/);
    expect(text).toContain('ALARMS STILL ACTIVE (1):\n· sim-1 site 1 is OFF\n');
    expect(text).toContain('ALARM site-disabled: sim-1 site 2 disabled after 3 failed devices in a row (last: bad-contact); check the socket\n');
    expect(text).toMatch(/sim-1 +0 ✗ fail +100\/0 +1 OFF +4\/3 +2 OFF +102\/2/);
    expect(text).toContain('sim-1 site 2 OFF: disabled after 3 failed devices in a row (last: bad-contact); check the socket');
  });
});

describe('live view when a programmer leaves the run', () => {
  it('a programmer taken out of the run shows every one of its sites OFF, not its last ok or fail', async () => {
    const { PassThrough } = await import('node:stream');
    const { LiveView } = await import('../../src/cli/live-view.js');
    const stream = Object.assign(new PassThrough(), { isTTY: false, columns: undefined });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const view = new LiveView({ lot: 'L', imageSha256: 'ab'.repeat(32), programmers: [gang('sim-1', 4), gang('sim-2', 4)], activeAlarms: [], bell: false }, stream as never);
    view.onEvent({ type: 'alarm', at: '', code: 'programmer-lost', message: 'sim-2: the link dropped; taken out of the run', programmer: 'sim-2' });
    view.stop();
    expect(text).toMatch(/sim-2 +0 OFF +100\/0 +1 OFF +101\/1 +2 OFF +102\/2 +3 OFF +103\/0/);
    expect(text).toMatch(/sim-1 +0 ✗ fail/);
  });
});

describe('live view of a station of a hub', () => {
  it('shows "hub offline, N attempts waiting" while the hub is away, and the hub online again once it is back', async () => {
    const { PassThrough } = await import('node:stream');
    const { LiveView } = await import('../../src/cli/live-view.js');
    const stream = Object.assign(new PassThrough(), { isTTY: false, columns: undefined });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const view = new LiveView({ lot: 'L', imageSha256: 'ab'.repeat(32), programmers: [gang('sim-1', 4)], activeAlarms: [], bell: false }, stream as never);
    view.onEvent({ type: 'hub', at: '', online: false, waiting: 352, message: 'hub offline, 352 attempts waiting' });
    view.stop();
    expect(plain(text)).toContain('hub offline, 352 attempts waiting (programming goes on with the reels and serial values held)');
    let back = '';
    const stream2 = Object.assign(new PassThrough(), { isTTY: false, columns: undefined });
    stream2.on('data', (d: Buffer) => (back += d.toString()));
    const view2 = new LiveView({ lot: 'L', programmers: [gang('sim-1', 4)], activeAlarms: [], bell: false }, stream2 as never);
    view2.onEvent({ type: 'hub', at: '', online: false, waiting: 3, message: '' });
    view2.onEvent({ type: 'hub', at: '', online: true, waiting: 0, message: '' });
    view2.stop();
    expect(plain(back)).toMatch(/^hub online$/m);
    expect(plain(back)).not.toContain('hub offline');
  });
});
