/** What `job create` is asked to make; mirrors the CLI options. */
export interface CreateJobOptions {
  /** Job name; versions share it. */
  name: string;
  /** Chip part number from the catalog. */
  chip: string;
  /** The main image file (eMMC: the user area). */
  image: string;
  /** Operations, comma-separated ordered subset of id,erase,blank,program,verify. @default 'id,erase,blank,program,verify' */
  ops?: string;
  /** NAND bad-block scheme: `skip` or `partitions:FILE` (a JSON partition table). @default 'skip' (NAND chips) */
  nandScheme?: string;
  /** NAND: the image holds page+spare interleaved; undefined detects it from the image size. @default undefined */
  withSpare?: boolean;
  /** eMMC: image file for the BOOT1 partition. @default undefined (BOOT1 left alone) */
  emmcBoot1?: string;
  /** eMMC: image file for the BOOT2 partition. @default undefined (BOOT2 left alone) */
  emmcBoot2?: string;
  /** eMMC: EXT_CSD settings `K=V` (BOOT_PARTITION_CONFIG, BOOT_BUS_CONDITIONS or their fields). @default [] */
  extCsd?: string[];
  /** Serial numbering `START[:STEP][@OFFSET]`, e.g. `SN000100:1@0x7FF000`. @default undefined (no serials) */
  serial?: string;
  /** A serial rule made with `gangflash serials rule add` (instead of `serial`): its fields are written per device. @default undefined */
  serialRule?: string;
  /** Let the serial overwrite image data. @default false */
  serialOverwrite?: boolean;
  /** Byte value for gaps between HEX/S-record records, 0..255. @default 0xFF */
  fill?: number;
}
