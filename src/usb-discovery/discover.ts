import fs from 'node:fs';
import { udevRule, type UsbId } from './udev.js';

/** A programmer model that is a USB device (catalog `programmer_models` rows with vid/pid). */
export interface UsbModel extends UsbId {
  model: string;
  driver: string;
  sites: number;
}

/** What discovery needs to know of one attached USB device. */
export interface AttachedDevice {
  vendorId: number;
  productId: number;
  serialNumber: string | null | undefined;
  /** Bus location (e.g. "1-2.3") when the backend knows it. */
  location?: string;
}

/** Lists the attached USB devices, or throws when USB cannot be reached. */
export interface UsbBackend {
  list(): Promise<AttachedDevice[]>;
}

/** One attached device that matches a programmer model. */
export interface FoundProgrammer {
  model: string;
  driver: string;
  vid: string;
  pid: string;
  serial: string | null;
  location: string | null;
  /** Position among attached devices of the same model (what `usbIndex` means for serial-less boards). */
  index: number;
  sites: number;
}

/** The outcome of a discovery: never an exception, so the CLI can always print it. */
export interface DiscoveryResult {
  usbAvailable: boolean;
  /** Why USB is not usable (only when usbAvailable is false). */
  reason?: string;
  devices: FoundProgrammer[];
  /** udev rules for every USB programmer model in the catalog. */
  udevRules: string[];
}

/** Thrown by a backend when USB cannot be reached; `reason` is meant for the operator. */
export class UsbUnavailable extends Error {}

/** The real backend: the `usb` package's WebUSB API, after checking that this machine has a USB bus at all. */
export const webUsbBackend: UsbBackend = {
  async list() {
    if (process.platform === 'linux' && !fs.existsSync('/sys/bus/usb')) {
      throw new UsbUnavailable('this machine has no USB bus (/sys/bus/usb is missing: a container or VM without USB passthrough?)');
    }
    let mod: typeof import('usb');
    try {
      mod = await import('usb');
    } catch (e) {
      throw new UsbUnavailable(`the usb package's native module did not load (${(e as Error).message})`);
    }
    try {
      const devices = await new mod.WebUSB({ allowAllDevices: true }).getDevices();
      return devices.map((d) => {
        let serial: string | null = null;
        try {
          serial = d.serialNumber;
        } catch {
          serial = null;
        }
        return { vendorId: d.vendorId, productId: d.productId, serialNumber: serial, location: (d as { bus?: string }).bus ?? undefined };
      });
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/EACCES|permission|access denied|LIBUSB_ERROR_ACCESS/i.test(msg)) throw new UsbUnavailable(`permission denied reading USB devices (${msg}); install the udev rules below`);
      throw new UsbUnavailable(`USB devices could not be listed (${msg})`);
    }
  },
};

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Lists attached USB devices whose VID:PID match a programmer model. */
export async function discover(models: UsbModel[], backend: UsbBackend = webUsbBackend): Promise<DiscoveryResult> {
  const udevRules = [...new Map(models.map((m) => [`${m.vid}:${m.pid}`, udevRule(m)])).values()];
  let attached: AttachedDevice[];
  try {
    attached = await backend.list();
  } catch (e) {
    return { usbAvailable: false, reason: e instanceof Error ? e.message : String(e), devices: [], udevRules };
  }
  const devices: FoundProgrammer[] = [];
  const seen = new Map<string, number>();
  for (const d of attached) {
    const m = models.find((x) => x.vid === d.vendorId && x.pid === d.productId);
    if (!m) continue;
    const index = seen.get(m.model) ?? 0;
    seen.set(m.model, index + 1);
    devices.push({ model: m.model, driver: m.driver, vid: hex4(m.vid), pid: hex4(m.pid), serial: d.serialNumber || null, location: d.location ?? null, index, sites: m.sites });
  }
  return { usbAvailable: true, devices, udevRules };
}
