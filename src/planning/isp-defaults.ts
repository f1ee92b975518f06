// The defaults table of the offline-vs-in-system comparison: every figure with where it comes from. Published
// figures name their publisher; figures no one publishes are marked "assumed" and say which setting replaces them.
// Every figure here can be overridden (site settings file, or the plan command's --isp-* options).

/** In-system programming interfaces the planner knows. */
export const ISP_INTERFACES = ['swd', 'swd-dap', 'jtag', 'spi', 'uart', 'usb-emmc', 'emmc-hs400'] as const;

/** One in-system programming interface. */
export type IspInterface = (typeof ISP_INTERFACES)[number];

/** A figure and where it comes from. */
export interface Sourced<T = number> {
  value: T;
  source: string;
}

/** What programming one board through an interface takes, per channel (one target programmed at a time). */
export interface IspInterfaceFigures {
  /** What the interface is, in words. */
  name: string;
  /** Bytes written per second to one target. */
  bytesPerSec: Sourced;
  /** Seconds per target outside the data transfer: connect, halt/unlock, erase command, reset. */
  connectSec: Sourced;
  /** Targets one fixture programs at once (channels of the programmer). */
  channels: Sourced;
}

const ASSUMED_CONNECT = 'assumed (no published figure): connect, halt/unlock and reset of one target; set inSystem.connectSec in the site settings';
const ONE_CHANNEL = 'assumed: one probe per fixture; set inSystem.channels (or --isp-channels) for a gang programmer';

/** Speeds and overheads of each in-system interface. KB in published figures is read as 1,000 bytes (the lower reading). */
export const ISP_DEFAULTS: Record<IspInterface, IspInterfaceFigures> = {
  swd: {
    name: 'SWD (Arm Serial Wire Debug) with a production flasher',
    bytesPerSec: { value: 364_000, source: 'SEGGER Flasher / J-Flash internal-flash programming speeds 364-988 KB/s (STM32H735 364, LPC1857 431, CYT2B98 988 KB/s); the lowest is taken' },
    connectSec: { value: 1, source: ASSUMED_CONNECT },
    channels: { value: 1, source: ONE_CHANNEL },
  },
  'swd-dap': {
    name: 'SWD through a CMSIS-DAP / DAPLink debug probe',
    bytesPerSec: { value: 9_000, source: 'CMSIS-DAP / DAPLink probe: 241 KB programmed in 27 s, about 9 KB/s (the issue\'s published measurement)' },
    connectSec: { value: 1, source: ASSUMED_CONNECT },
    channels: { value: 1, source: ONE_CHANNEL },
  },
  jtag: {
    name: 'JTAG with a production flasher',
    bytesPerSec: { value: 364_000, source: 'SEGGER Flasher / J-Flash speeds (JTAG/SWD targets) 364-988 KB/s for internal flash; the lowest is taken' },
    connectSec: { value: 1, source: ASSUMED_CONNECT },
    channels: { value: 1, source: ONE_CHANNEL },
  },
  spi: {
    name: 'SPI / QSPI NOR flash on the board, programmed in system',
    bytesPerSec: { value: 362_000, source: 'SEGGER Flasher QSPI NOR programming speeds 362-1,086 KB/s; the lowest is taken' },
    connectSec: { value: 1, source: ASSUMED_CONNECT },
    channels: { value: 1, source: ONE_CHANNEL },
  },
  uart: {
    name: 'UART ROM bootloader',
    bytesPerSec: { value: 11_520, source: 'arithmetic: 115,200 baud (the top rate of e.g. the STM32 USART bootloader, ST AN3155) at 10 bit times per byte (8N1) = 11,520 B/s, protocol overhead not counted' },
    connectSec: { value: 1, source: ASSUMED_CONNECT },
    channels: { value: 1, source: ONE_CHANNEL },
  },
  'usb-emmc': {
    name: 'eMMC on the board through USB (gang in-system eMMC programmer)',
    bytesPerSec: { value: 40_000_000, source: 'ST GangFlasher-ST: eMMC over USB up to 40 MB/s per target, 8 targets' },
    connectSec: { value: 2, source: 'assumed (no published figure): USB enumeration and eMMC initialisation of one target; set inSystem.connectSec' },
    channels: { value: 8, source: 'ST GangFlasher-ST: 8 targets at once' },
  },
  'emmc-hs400': {
    name: 'eMMC on the board written by its own SoC in HS400 mode',
    bytesPerSec: { value: 40_000_000, source: 'on-board eMMC HS400 sequential write about 40-76 MB/s; the lowest is taken' },
    connectSec: { value: 2, source: 'assumed (no published figure): boot into the flashing loader; set inSystem.connectSec' },
    channels: { value: 1, source: 'one board, its own SoC' },
  },
};

/** The licence fee some parts carry when programmed in system; none unless the site settings say so. */
export const ISP_LICENCE_PER_DEVICE: Sourced = {
  value: 0,
  source: 'none by default; some parts carry an in-system programming licence of about $0.003-0.01 per device (Elnec credit box): set inSystem.licencePerDevice',
};

/** Published offline figures, shown beside the farm's own for this image (not used in the farm's cycle time). */
export const OFFLINE_REFERENCES: { name: string; bytesPerSec?: number; devicesPerHour?: number; source: string }[] = [
  { name: 'BPM HS400 eMMC programming site', bytesPerSec: 200_000_000, source: 'BPM Microsystems: HS400 eMMC sites at 200 MB/s' },
  { name: 'AP8000-class site', bytesPerSec: 50_000_000, source: 'the seed document\'s AP8000 figure, 50 MB/s' },
  { name: 'Xeltek SuperBOT-3, 32 sockets', devicesPerHour: 1_600, source: 'Xeltek SuperBOT-3 automated system: 32 sockets, about 1,600 UPH' },
];

/** Socket life published for offline adapters (the catalog's ratedInsertions per adapter type is what the plan uses). */
export const SOCKET_LIFE = {
  standard: { value: [5_000, 25_000] as const, source: 'BPM Microsystems: standard sockets 5,000-25,000 insertions' },
  highInsertion: { value: 250_000, source: 'BPM Microsystems: high-insertion sockets about 250,000 insertions' },
} as const;
