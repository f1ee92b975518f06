import type { Chip } from '../../catalog/chip.js';
import { emmcGeometry } from '../../catalog/chip.js';

/*
 * eMMC registers, from JEDEC JESD84-B51 (eMMC 5.1):
 *  - CID (§7.2, 128 bits): MID [127:120], CBX [113:112], OID [111:104], PNM [103:56], PRV [55:48], PSN [47:16],
 *    MDT [15:8], CRC7 [7:1], bit 0 = 1. The catalog's idBytes is its prefix; PSN is derived from the device label.
 *  - EXT_CSD (§7.4, 512 bytes): properties segment [192..511] read-only; in the modes segment the bytes below are
 *    host-writable with SWITCH; any other index answers SWITCH_ERROR (modelled as a failed write).
 */

/** EXT_CSD indices the host may write (modes segment). */
export const WRITABLE_EXT_CSD: ReadonlyMap<number, string> = new Map([
  [33, 'CACHE_CTRL'],
  [162, 'RST_n_FUNCTION'],
  [167, 'WR_REL_SET'],
  [171, 'USER_WP'],
  [173, 'BOOT_WP'],
  [175, 'ERASE_GROUP_DEF'],
  [177, 'BOOT_BUS_CONDITIONS'],
  [179, 'PARTITION_CONFIG'],
  [183, 'BUS_WIDTH'],
  [185, 'HS_TIMING'],
]);

/** EXT_CSD index of PARTITION_CONFIG; bits 2:0 are PARTITION_ACCESS (0 user, 1 BOOT1, 2 BOOT2). */
export const PARTITION_CONFIG = 179;

/** A fresh device's EXT_CSD, from the chip's geometry. */
export function initialExtCsd(chip: Chip, into: Uint8Array): Uint8Array {
  const g = emmcGeometry(chip);
  into.fill(0);
  into[192] = 8; // EXT_CSD_REV: 8 = eMMC 5.1
  const sectors = Math.floor(g.userBytes / 512);
  into[212] = sectors & 0xff; // SEC_COUNT, little-endian
  into[213] = (sectors >>> 8) & 0xff;
  into[214] = (sectors >>> 16) & 0xff;
  into[215] = (sectors >>> 24) & 0xff;
  into[226] = Math.floor(g.bootBytes / (128 * 1024)); // BOOT_SIZE_MULT
  into[168] = Math.floor(g.rpmbBytes / (128 * 1024)); // RPMB_SIZE_MULT
  into[224] = Math.max(1, Math.floor(g.eraseGroupBytes / (512 * 1024))); // HC_ERASE_GRP_SIZE
  into[181] = 0; // ERASED_MEM_CONT: erased memory reads 0
  return into;
}

/** CRC7 (polynomial x^7 + x^3 + 1) over bytes, as the CID's last byte carries it. */
function crc7(bytes: Uint8Array, n: number): number {
  let crc = 0;
  for (let i = 0; i < n; i++) {
    let b = bytes[i];
    for (let k = 0; k < 8; k++) {
      crc <<= 1;
      if ((b ^ crc) & 0x80) crc ^= 0x09;
      b <<= 1;
    }
  }
  return crc & 0x7f;
}

/** The 16-byte CID of one device: the catalog prefix, a serial number from the label's hash, CRC7. */
export function cidFor(prefix: Uint8Array, serial: number): Uint8Array {
  const cid = new Uint8Array(16);
  cid.set(prefix.subarray(0, 15));
  if (prefix.length <= 10) {
    cid[10] = (serial >>> 24) & 0xff; // PSN
    cid[11] = (serial >>> 16) & 0xff;
    cid[12] = (serial >>> 8) & 0xff;
    cid[13] = serial & 0xff;
  }
  if (prefix.length <= 14) cid[14] = 0x1c; // MDT: a manufacturing month/year
  cid[15] = (crc7(cid, 15) << 1) | 1;
  return cid;
}
