import type {
  UsbConfigurationLike, UsbControlSetup, UsbDeviceLike, UsbEndpointLike, UsbInResult, UsbOutResult,
} from '../usb-board/device.js';
import type { SimClock } from './clock.js';

/** Static descriptor facts of an emulated device. */
export interface EmulatedDescriptor {
  vendorId: number;
  productId: number;
  serialNumber: string | null;
  productName: string;
  manufacturerName: string;
  /** Interfaces of configuration 1: number, class and endpoints. */
  interfaces: { interfaceNumber: number; interfaceClass: number; endpoints: UsbEndpointLike[] }[];
}

/** Faults an emulated device can be told to show. */
export interface LinkFaults {
  /** The device disappears (unplugged, brown-out) after this many bulk transfers. @default never */
  dropAfterTransfers?: number;
}

/** Virtual bus time of one transfer: a full-speed frame's share plus the bytes at 12 Mbit/s, in milliseconds. */
function busMs(bytes: number): number {
  return 0.05 + (bytes * 8) / 12_000;
}

/**
 * A WebUSB device in memory: descriptors, open/claim state, and bulk transfers that a subclass decodes exactly as the
 * real device's firmware would. A missing answer is a timeout; an unplugged device fails every call.
 */
export abstract class EmulatedUsbDevice implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly productName: string;
  readonly manufacturerName: string;
  readonly configurations: UsbConfigurationLike[];
  opened = false;
  configuration: UsbConfigurationLike | null = null;
  /** Every bulk/control transfer seen, for protocol tests (only while `trace` is on). */
  readonly log: { dir: 'out' | 'in' | 'control'; ep: number; bytes: Uint8Array }[] = [];
  trace = false;
  private readonly claimed = new Set<number>();
  private transfers = 0;
  private unplugged = false;
  private stallIn = false;

  constructor(desc: EmulatedDescriptor, protected readonly clock: SimClock, private readonly faults: LinkFaults = {}) {
    this.vendorId = desc.vendorId;
    this.productId = desc.productId;
    this.serialNumber = desc.serialNumber;
    this.productName = desc.productName;
    this.manufacturerName = desc.manufacturerName;
    const interfaces = desc.interfaces.map((i) => {
      const alt = { alternateSetting: 0, interfaceClass: i.interfaceClass, interfaceSubclass: 0, interfaceProtocol: 0, endpoints: i.endpoints };
      return { interfaceNumber: i.interfaceNumber, alternate: alt, alternates: [alt], claimed: false };
    });
    this.configurations = [{ configurationValue: 1, interfaces }];
  }

  /** Handles the bytes of one bulk OUT transfer. */
  protected abstract onOut(endpoint: number, data: Uint8Array): void;
  /**
   * The next IN packet on `endpoint`, or null when the device has nothing to send; `timeoutMs` is how long the host
   * waits (a device that stays silent longer makes the transfer time out).
   */
  protected abstract onIn(endpoint: number, length: number, timeoutMs: number): Uint8Array | null;
  /** Handles a control OUT request (class requests such as CDC SET_CONTROL_LINE_STATE). */
  protected onControl(setup: UsbControlSetup, data: Uint8Array | undefined): void {
    void setup;
    void data;
  }

  /** The next bulk IN transfer stalls (a one-off glitch: the device stays on the bus). */
  stallNextIn(): void {
    this.stallIn = true;
  }

  /** Pulls the plug: every later call fails as on a real disconnect. */
  unplug(): void {
    this.unplugged = true;
  }

  async open(): Promise<void> {
    this.alive();
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
    this.claimed.clear();
  }
  async selectConfiguration(value: number): Promise<void> {
    this.alive();
    if (!this.opened) throw new Error('InvalidStateError: device not opened');
    const c = this.configurations.find((x) => x.configurationValue === value);
    if (!c) throw new Error(`NotFoundError: no configuration ${value}`);
    this.configuration = c;
  }
  async claimInterface(n: number): Promise<void> {
    this.alive();
    if (!this.configuration) throw new Error('InvalidStateError: no configuration selected');
    if (!this.configuration.interfaces.some((i) => i.interfaceNumber === n)) throw new Error(`NotFoundError: no interface ${n}`);
    this.claimed.add(n);
  }
  async releaseInterface(n: number): Promise<void> {
    this.claimed.delete(n);
  }

  async controlTransferOut(setup: UsbControlSetup, data?: Uint8Array): Promise<UsbOutResult> {
    this.alive();
    if (this.trace) this.log.push({ dir: 'control', ep: setup.request, bytes: Uint8Array.from(data ?? []) });
    this.onControl(setup, data);
    this.clock.advance(busMs(8 + (data?.length ?? 0)));
    return { bytesWritten: data?.length ?? 0, status: 'ok' };
  }

  async transferOut(ep: number, data: Uint8Array): Promise<UsbOutResult> {
    this.bulk(ep, 'out');
    if (this.trace) this.log.push({ dir: 'out', ep, bytes: Uint8Array.from(data) });
    this.clock.advance(busMs(data.length));
    this.onOut(ep, data);
    return { bytesWritten: data.length, status: 'ok' };
  }

  async transferIn(ep: number, length: number, timeout = 1000): Promise<UsbInResult> {
    this.bulk(ep, 'in');
    if (this.stallIn) {
      this.stallIn = false;
      throw new Error('LIBUSB_ERROR_PIPE: endpoint stalled');
    }
    const pkt = this.onIn(ep, length, timeout);
    if (!pkt) {
      this.clock.advance(timeout);
      throw new Error('LIBUSB_ERROR_TIMEOUT: transfer timed out');
    }
    if (this.trace) this.log.push({ dir: 'in', ep, bytes: Uint8Array.from(pkt) });
    this.clock.advance(busMs(pkt.length));
    return { data: new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength), status: 'ok' };
  }

  private alive(): void {
    if (this.unplugged) throw new Error('LIBUSB_ERROR_NO_DEVICE: device disconnected');
  }

  private bulk(ep: number, dir: 'in' | 'out'): void {
    this.alive();
    if (this.faults.dropAfterTransfers !== undefined && ++this.transfers > this.faults.dropAfterTransfers) {
      this.unplugged = true;
      this.alive();
    }
    if (!this.opened) throw new Error('InvalidStateError: device not opened');
    const iface = this.configuration?.interfaces.find((i) => i.alternate.endpoints.some((e) => e.endpointNumber === ep && e.direction === dir));
    if (!iface) throw new Error(`NotFoundError: no ${dir} endpoint ${ep}`);
    if (!this.claimed.has(iface.interfaceNumber)) throw new Error(`InvalidStateError: interface ${iface.interfaceNumber} not claimed`);
  }
}
