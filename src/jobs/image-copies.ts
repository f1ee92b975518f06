import fs from 'node:fs';
import type { Db } from '../db/open.js';
import { GangflashError } from '../errors.js';
import { pinImage, type ImagePin } from './image-pin.js';
import type { JobSpec } from './spec.js';
import { imageCopyPath, putImageCopy } from '../store/jobs.js';

/** `image add FILE`: reads the file once and records it as this station's copy of the image with its SHA-256. */
export async function addImageCopy(db: Db, file: string, fill = 0xff): Promise<ImagePin> {
  const pin = await pinImage(file, fill);
  putImageCopy(db, pin);
  return pin;
}

/** The pin itself when its file is there, else the same image at the place this station registered for its SHA-256. */
function localPin(db: Db, pin: ImagePin): ImagePin {
  if (fs.existsSync(pin.path)) return pin;
  const copy = imageCopyPath(db, pin.sha256);
  return copy !== undefined && copy !== pin.path && fs.existsSync(copy) ? { ...pin, path: copy } : pin;
}

/**
 * A job's spec with each image found on this station by SHA-256: the pinned path, or a copy registered with `image
 * add` (a job imported from a bundle, or an image moved). The content is still checked against the SHA-256 before a run.
 */
export function withLocalImages(db: Db, spec: JobSpec): JobSpec {
  const out: JobSpec = { ...spec, image: localPin(db, spec.image) };
  if (spec.emmc) {
    out.emmc = { ...spec.emmc };
    if (spec.emmc.boot1) out.emmc.boot1 = localPin(db, spec.emmc.boot1);
    if (spec.emmc.boot2) out.emmc.boot2 = localPin(db, spec.emmc.boot2);
  }
  return out;
}

/** The advice added to a missing or changed image's error: how a station gets the image with the job's SHA-256. */
export function imageAddAdvice(e: unknown, pin: ImagePin): unknown {
  if (!(e instanceof GangflashError) || (e.code !== 'image-missing' && e.code !== 'image-changed')) return e;
  const Err = e.constructor as new (code: string, message: string, o: { file?: string }) => GangflashError;
  return new Err(e.code, `${e.message}; this station needs the image with SHA-256 ${pin.sha256}: register a copy with \`gangflash image add FILE\``, { file: e.file });
}
