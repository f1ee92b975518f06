import fs from 'node:fs';
import path from 'node:path';
import type { Chip, NandGeometry } from '../../src/catalog/chip.js';

const chipDir = path.resolve(__dirname, '../../chipdb/chips');

/** The catalog entry of `part` as the drivers get it (protocol facts included), read from chipdb/chips/*.json. */
export function catalogChip(part: string): Chip {
  for (const f of fs.readdirSync(chipDir).filter((n) => n.endsWith('.json'))) {
    const doc = JSON.parse(fs.readFileSync(path.join(chipDir, f), 'utf8')) as { chips: (Chip & { notes?: string })[] };
    const hit = doc.chips.find((c) => c.part === part);
    if (hit) {
      const { notes: _notes, ...chip } = hit;
      return chip;
    }
  }
  throw new Error(`no catalog entry for ${part}`);
}

/** A catalog NAND part with only `blocks` blocks (same page, spare and protocol facts), so whole-chip tests stay fast. */
export function shrunkNand(part: string, blocks: number): Chip {
  const c = catalogChip(part);
  const g = c.geometry as NandGeometry;
  const geometry: NandGeometry = { ...g, blocks, minValidBlocks: blocks - 4 };
  return { ...c, part: `${part}-TEST${blocks}`, capacityBytes: blocks * g.pagesPerBlock * g.pageSize, geometry };
}
