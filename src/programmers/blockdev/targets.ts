import fs from 'node:fs';
import type { Chip } from '../../catalog/chip.js';
import type { TargetInfo } from './safety.js';

/** Bytes a target holds: a block device's size from sysfs, a plain file the configured or chip's user capacity. */
export function targetCapacity(t: TargetInfo, chip: Chip, configured?: number): number {
  if (t.kind === 'block' && t.name) {
    try {
      return Number(fs.readFileSync(`/sys/class/block/${t.name}/size`, 'utf8').trim()) * 512;
    } catch {
      return 0;
    }
  }
  if (configured !== undefined) return configured;
  return chip.kind === 'emmc' ? (chip.geometry as { userBytes: number }).userBytes : chip.capacityBytes;
}

/** True when a device is there: a plain file exists, a block device reports a non-zero size (a reader with a card). */
export function targetPresent(t: TargetInfo, chip: Chip, configured?: number): boolean {
  if (t.kind === 'file') return fs.existsSync(t.path);
  return t.kind === 'block' && targetCapacity(t, chip, configured) > 0;
}

/**
 * The ID a target answers. Plain files: the chip's catalog ID when the file exists (a file has no ID of its own).
 * Block devices: the eMMC/SD CID from /sys/block/<disk>/device/cid when the host exposes it (native MMC hosts);
 * USB readers hide it, and then the chip's catalog ID is returned, so the ID step only confirms a device is present.
 */
export function targetId(t: TargetInfo, chip: Chip): Uint8Array {
  const catalog = Uint8Array.from(chip.idBytes.replace(/[^0-9a-f]/gi, '').match(/../g) ?? [], (h) => parseInt(h, 16));
  if (t.kind !== 'block' || !t.disk) return catalog;
  try {
    const hex = fs.readFileSync(`/sys/block/${t.disk}/device/cid`, 'utf8').trim();
    return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  } catch {
    return catalog;
  }
}
