import type { UsbDeviceLike, UsbControlSetup } from './device.js';
import { UsbLinkError, toLinkError } from './link-error.js';

/** How a driver reaches its bulk endpoints. */
export interface BulkEndpoints {
  /** Interface to claim. */
  interfaceNumber: number;
  /** Bulk OUT endpoint number (without the direction bit, as WebUSB wants it). */
  outEndpoint: number;
  /** Bulk IN endpoint number (without the direction bit). */
  inEndpoint: number;
  /** Interfaces to claim besides `interfaceNumber` (a CDC communication interface). @default [] */
  alsoClaim?: number[];
}

/** Options of a transport. */
export interface TransportOptions {
  /** Per-transfer timeout in milliseconds. @default 2000 */
  timeoutMs?: number;
}

/**
 * A thin layer over a WebUSB device's bulk pipe: open/claim once, move bytes, and turn every failure into a
 * UsbLinkError (`timeout` or `link-lost`).
 */
export class UsbTransport {
  readonly device: UsbDeviceLike;
  private readonly ep: BulkEndpoints;
  private readonly timeoutMs: number;
  private claimed: number[] = [];

  constructor(device: UsbDeviceLike, endpoints: BulkEndpoints, opts: TransportOptions = {}) {
    this.device = device;
    this.ep = endpoints;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** Opens the device, selects configuration 1 when none is active and claims the interfaces. */
  async open(): Promise<void> {
    try {
      if (!this.device.opened) await this.device.open();
      if (!this.device.configuration) await this.device.selectConfiguration(1);
      for (const iface of [...(this.ep.alsoClaim ?? []), this.ep.interfaceNumber]) {
        if (this.device.detachKernelDriver) await this.device.detachKernelDriver(iface).catch(() => undefined);
        await this.device.claimInterface(iface);
        this.claimed.push(iface);
      }
    } catch (e) {
      throw toLinkError(e, 'opening the USB device');
    }
  }

  /** Releases the interfaces and closes the device; never throws. */
  async close(): Promise<void> {
    for (const iface of this.claimed.reverse()) await this.device.releaseInterface(iface).catch(() => undefined);
    this.claimed = [];
    if (this.device.opened) await this.device.close().catch(() => undefined);
  }

  /** Sends bytes on the bulk OUT endpoint; all of them must be accepted. */
  async write(bytes: Uint8Array): Promise<void> {
    const r = await this.guard(this.device.transferOut(this.ep.outEndpoint, bytes, this.timeoutMs), 'bulk OUT');
    if (r.status !== 'ok' || r.bytesWritten !== bytes.length) {
      throw new UsbLinkError('link-lost', `bulk OUT: ${r.status}, ${r.bytesWritten} of ${bytes.length} bytes written`);
    }
  }

  /** Receives one IN transfer of at most `length` bytes (it ends early on a short packet, as USB does). */
  async read(length: number): Promise<Uint8Array> {
    const r = await this.guard(this.device.transferIn(this.ep.inEndpoint, length, this.timeoutMs), 'bulk IN');
    if (r.status !== 'ok' || !r.data) throw new UsbLinkError('link-lost', `bulk IN: ${r.status}`);
    return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  }

  /** Sends a control request with optional data. */
  async control(setup: UsbControlSetup, data?: Uint8Array): Promise<void> {
    const r = await this.guard(this.device.controlTransferOut(setup, data, this.timeoutMs), 'control OUT');
    if (r.status !== 'ok') throw new UsbLinkError('link-lost', `control OUT: ${r.status}`);
  }

  /** Races a transfer against the timeout so that a device that never answers cannot hang a worker. */
  private async guard<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UsbLinkError('timeout', `${what}: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } catch (e) {
      throw toLinkError(e, what);
    } finally {
      clearTimeout(timer);
    }
  }
}
