import { checkPinnedImage, type ImagePin } from './image-pin.js';
import type { JobSpec } from './spec.js';

/** Every image a job pins: the main image, then eMMC BOOT1 and BOOT2 when present. */
export function jobImages(spec: JobSpec): ImagePin[] {
  return [spec.image, spec.emmc?.boot1, spec.emmc?.boot2].filter((p): p is ImagePin => p !== undefined);
}

/** Re-reads every image of a job and refuses (`image-changed`, `image-missing`) one whose content is not the pinned one. */
export async function checkJobImages(spec: JobSpec): Promise<void> {
  for (const pin of jobImages(spec)) await checkPinnedImage(pin, spec.fill);
}
