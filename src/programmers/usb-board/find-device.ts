import { DriverError } from '../../errors.js';
import type { UsbDeviceLike } from './device.js';
import type { DeviceSource } from './device-source.js';
import { realPacer } from './pacer.js';

/** What picks one real USB device. */
export interface UsbMatch {
  vendorId: number;
  productId: number;
  /** USB serial number; when absent, `index` picks among the matching devices in bus order. */
  serial?: string;
  /** Position among matching devices without a serial. @default 0 */
  index?: number;
}

/** A DeviceSource that finds a real device through the `usb` package's WebUSB API. */
export function usbDeviceSource(match: UsbMatch): DeviceSource {
  return async () => {
    let devices: UsbDeviceLike[];
    try {
      const { WebUSB } = await import('usb');
      const webusb = new WebUSB({ allowAllDevices: true });
      devices = (await webusb.getDevices()) as unknown as UsbDeviceLike[];
    } catch (e) {
      throw new DriverError('usb-unavailable', `USB is not reachable on this machine (${(e as Error).message}); run \`gangflash farm discover\` for the udev rule`);
    }
    const hits = devices.filter((d) => d.vendorId === match.vendorId && d.productId === match.productId && (match.serial === undefined || d.serialNumber === match.serial));
    const dev = hits[match.serial === undefined ? (match.index ?? 0) : 0];
    if (!dev) {
      const id = `${hex4(match.vendorId)}:${hex4(match.productId)}${match.serial ? ` serial ${match.serial}` : ''}`;
      throw new DriverError('usb-device-not-found', `no USB device ${id} is connected (${hits.length} matching); plug it in or run \`gangflash farm discover\``);
    }
    return { device: dev, pacer: realPacer };
  };
}

/** A 16-bit ID as 4 hex digits. */
export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
