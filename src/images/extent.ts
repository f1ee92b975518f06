/** A run of image content holding real bytes. `bytes` is valid only until the next extent is requested. */
export interface DataExtent {
  offset: number;
  length: number;
  bytes: Uint8Array;
}

/** A run of image content that is one repeated byte, or "don't care" (sparse DONT_CARE: leave the device as it is). */
export interface FillExtent {
  offset: number;
  length: number;
  fill: number;
  dontCare?: boolean;
}

/** One ordered piece of an image's expanded content. */
export type Extent = DataExtent | FillExtent;

/** True when the extent carries bytes rather than a fill descriptor. */
export function isData(e: Extent): e is DataExtent {
  return (e as DataExtent).bytes !== undefined;
}

/** Image file formats gangflash reads. */
export type ImageFormat = 'raw' | 'ihex' | 'srec' | 'sparse';

/** An opened image: its detected format and its expanded content as an ordered stream of extents. */
export interface ImageSource {
  readonly path: string;
  readonly format: ImageFormat;
  /** True when the file was gzip-compressed. */
  readonly gzip: boolean;
  /** Expanded size when the format declares it up front (raw, sparse), else undefined until read. */
  readonly size: number | undefined;
  /** The expanded content in order; each call reads the file once more from the start. */
  extents(): AsyncIterable<Extent>;
}
