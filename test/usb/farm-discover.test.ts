import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { SimClock } from '../../src/programmers/emulation/clock.js';
import { EmulatedCh341a } from '../../src/programmers/emulation/ch341a/ch341a-device.js';
import { EmulatedNando } from '../../src/programmers/emulation/nando/nando-device.js';
import { discover, UsbUnavailable, type UsbModel } from '../../src/usb-discovery/discover.js';
import { programmerFromUsb } from '../../src/usb-discovery/register.js';

const models: UsbModel[] = [
  { model: 'CH341A', driver: 'ch341a', vid: 0x1a86, pid: 0x5512, sites: 1 },
  { model: 'NANDO', driver: 'nando', vid: 0x0483, pid: 0x5740, sites: 1 },
];
const hasUsbBus = fs.existsSync('/sys/bus/usb');
if (hasUsbBus) console.log('skipping the no-USB discover test: this machine has a USB bus (/sys/bus/usb)');

describe('farm discover', () => {
  it.skipIf(hasUsbBus)('on a machine without a USB bus says so plainly, prints the udev rule and exits 0', () => {
    const db = path.join(tmpDir(), 'g.db');
    expect(runCli(['--db', db, 'db', 'init']).code).toBe(0);
    const human = runCli(['--db', db, 'farm', 'discover']);
    expect(human.code).toBe(0);
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/USB is not available: this machine has no USB bus/);
    expect(human.stdout).toContain('SUBSYSTEM=="usb", ATTR{idVendor}=="1a86", ATTR{idProduct}=="5512", MODE="0660", GROUP="plugdev"');
    const json = runCli(['--db', db, 'farm', 'discover', '--json', '--register']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ usbAvailable: false, devices: [] });
    expect(doc.udevRules).toHaveLength(2);
  });

  it('lists attached devices whose VID:PID match a model, with serial numbers and their index per model', async () => {
    const clock = new SimClock();
    const attached = [new EmulatedCh341a(clock, null, undefined), new EmulatedNando(clock, '3473365B3331'), new EmulatedCh341a(clock, null, undefined)];
    const other = { vendorId: 0x046d, productId: 0xc52b, serialNumber: null };
    const r = await discover(models, { list: async () => [attached[0], other, attached[1], attached[2]] });
    expect(r.usbAvailable).toBe(true);
    expect(r.devices.map((d) => [d.model, d.serial, d.index])).toEqual([['CH341A', null, 0], ['NANDO', '3473365B3331', 0], ['CH341A', null, 1]]);
    expect(r.devices.map(programmerFromUsb).map((p) => [p.name, p.serial, p.options])).toEqual([
      ['ch341a-usb0', 'CH341A-usb0', { usbIndex: 0 }],
      ['nando-3473365b3331', '3473365B3331', { usbSerial: '3473365B3331' }],
      ['ch341a-usb1', 'CH341A-usb1', { usbIndex: 1 }],
    ]);
  });

  it('turns a permission error into usbAvailable false with the reason, never an exception', async () => {
    const r = await discover(models, { list: async () => { throw new UsbUnavailable('permission denied reading USB devices (LIBUSB_ERROR_ACCESS)'); } });
    expect(r).toMatchObject({ usbAvailable: false, devices: [] });
    expect(r.reason).toMatch(/permission denied/);
    expect(r.udevRules[1]).toContain('ATTR{idVendor}=="0483", ATTR{idProduct}=="5740"');
  });
});
