import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { getChip, listChips } from '../../src/catalog/chips.js';
import { fittingAdapterTypes } from '../../src/catalog/compat.js';
import { CatalogError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const db = openDb(path.join(tmpDir(), 'compat.db'));
loadCatalogs(db);
const fits = (part: string) => fittingAdapterTypes(db, getChip(db, part)).map((t) => t.id);

describe('compatibility from the catalog data', () => {
  it('an eMMC in BGA153 11.5x13 and one in BGA169 14x18 take different sockets', () => {
    expect(fits('KLM8G1GETF-B041')).toContain('emmc-153-11.5x13-clam-1');
    expect(fits('KLM8G1GETF-B041')).not.toContain('emmc-169-14x18-clam-1');
    expect(fits('THGBM4G9D8GBAII')).toEqual(['emmc-169-14x18-clam-1']);
  });

  it('WSON8 6x5 and WSON8 8x6 parts, same package name and pitch, fit only their own body size', () => {
    expect(fits('W25Q64JVZPIQ')).toEqual(['wson8-6x5-pogo-1']);
    expect(fits('W25Q128JVEIQ')).toEqual(['wson8-8x6-pogo-1']);
  });

  it('a universal SOIC8 socket takes both 150 mil and 208 mil bodies', () => {
    expect(fits('W25Q16JVSNIQ')).toContain('soic8-150-208-zif-1');
    expect(fits('W25Q64JVSSIQ')).toContain('soic8-150-208-zif-1');
    expect(fits('W25Q16JVSNIQ')).not.toContain('soic8-208-zif-1');
  });

  it('an adapter fits only when one of its programmer families drives the chip kind', () => {
    // The SOIC16 300 mil socket plugs into ch341a and sim-gang; both drive SPI NAND and SPI NOR.
    expect(fits('W25N01GVSFIG')).toEqual(['soic16-300-zif-1']);
    // BGA63 NAND sockets plug into sim-gang only (NANDO has a TSOP48 socket).
    expect(fits('MT29F2G08ABAEAH4').sort()).toEqual(['bga63-9x11-clam-1', 'bga63-9x11-pogo-4']);
  });

  it('an unknown part number suggests the nearest part numbers', () => {
    expect(() => getChip(db, 'W25Q64JVSIQ')).toThrowError(CatalogError);
    expect(() => getChip(db, 'W25Q64JVSIQ')).toThrowError(/did you mean W25Q64JVSSIQ/);
    expect(() => getChip(db, 'KLM8G1GETF')).toThrowError(/did you mean KLM8G1GETF-B041/);
  });

  it('part numbers are found whatever their case', () => {
    expect(getChip(db, 'mx25l12835fm2i-10g').part).toBe('MX25L12835FM2I-10G');
  });

  it('listing filters by text, kind and package', () => {
    const emmc153 = listChips(db, { kind: 'emmc', package: 'bga153' });
    expect(emmc153.length).toBeGreaterThan(5);
    expect(emmc153.every((c) => c.kind === 'emmc' && c.package === 'BGA153')).toBe(true);
    expect(listChips(db, { text: 'gigadevice', kind: 'spi-nand' }).map((c) => c.part)).toContain('GD5F1GQ4UBYIG');
  });
});
