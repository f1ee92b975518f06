import type { Db } from '../db/open.js';
import { ImageFormatError } from '../errors.js';
import { fileIdentity } from '../images/file-identity.js';
import { checkPinnedImage, type ImagePin } from './image-pin.js';
import { imageAddAdvice } from './image-copies.js';
import type { JobSpec } from './spec.js';
import { imageCheckIdentity, putImageCheck } from '../store/jobs.js';

/** Every image a job pins: the main image, then eMMC BOOT1 and BOOT2 when present. */
export function jobImages(spec: JobSpec): ImagePin[] {
  return [spec.image, spec.emmc?.boot1, spec.emmc?.boot2].filter((p): p is ImagePin => p !== undefined);
}

/** How one pinned image was found unchanged. */
export interface ImageCheck {
  path: string;
  /** `sha256`: read in full and hashed; `identity`: same file identity as when it last matched, not read. */
  by: 'sha256' | 'identity';
  /** The file's identity (src/images/file-identity.ts) as checked: later changes are measured against it. */
  identity: string;
  ms: number;
}

/**
 * Refuses (`image-changed`, `image-missing`) any image of a job whose content is not the pinned one. With a database,
 * a file whose identity is the one recorded when it last matched is not read again, and a file read in full that
 * matched has its identity recorded (best effort: a database that cannot be written only costs the next run a read).
 */
export async function checkJobImages(spec: JobSpec, db?: Db): Promise<ImageCheck[]> {
  const out: ImageCheck[] = [];
  for (const pin of jobImages(spec)) {
    const t0 = performance.now();
    const before = fileIdentity(pin.path);
    const known = db && imageCheckIdentity(db, pin.path, pin.sha256, spec.fill);
    if (before !== '' && known === before) {
      out.push({ path: pin.path, by: 'identity', identity: before, ms: performance.now() - t0 });
      continue;
    }
    try {
      await checkPinnedImage(pin, spec.fill);
    } catch (e) {
      throw imageAddAdvice(e, pin);
    }
    if (fileIdentity(pin.path) !== before) {
      throw new ImageFormatError('image-changed', 'the image file was written while it was being checked; run again once nothing writes to it', { file: pin.path });
    }
    try {
      if (db) recordImageCheck(db, pin, spec.fill, before);
    } catch (e) {
      // read-only, full or locked: the run itself reports that when it writes its first row
      if (!/^SQLITE_/.test(String((e as { code?: unknown }).code))) throw e;
    }
    out.push({ path: pin.path, by: 'sha256', identity: before, ms: performance.now() - t0 });
  }
  return out;
}

/** Records that the file at `pin.path`, with this identity, was read in full and has the pinned content. */
export function recordImageCheck(db: Db, pin: ImagePin, fill: number, identity: string): void {
  if (identity === '') return;
  putImageCheck(db, pin.path, pin.sha256, fill, identity);
}
