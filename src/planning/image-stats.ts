import { inspectImage, type ImageInspection } from '../images/inspect.js';
import type { ImageStats } from './cycle-time.js';

/** The planner's image figures from an inspection: blank (0xFF, don't-care included) bytes by 64 KiB unit. */
export function imageStatsFrom(i: ImageInspection): ImageStats {
  return {
    size: i.size,
    // Whole 64 KiB units only, capped at the size (a partial last unit counts at most what the image has).
    blankBytes: Math.min(i.size, i.blankUnits * i.unitSize),
    dontCareBytes: i.extents.dontCare.bytes,
    sha256: i.sha256,
  };
}

/** Reads an image file once (any supported format) and returns the planner's figures for it. */
export async function imageStatsOfFile(file: string): Promise<ImageStats> {
  return imageStatsFrom(await inspectImage(file));
}
