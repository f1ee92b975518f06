/** A USB vendor/product pair a programmer model answers to. */
export interface UsbId {
  vid: number;
  pid: number;
}

/** The udev rule that lets members of `plugdev` open a USB device with this VID:PID without root. */
export function udevRule(id: UsbId): string {
  const h = (n: number) => n.toString(16).padStart(4, '0');
  return `SUBSYSTEM=="usb", ATTR{idVendor}=="${h(id.vid)}", ATTR{idProduct}=="${h(id.pid)}", MODE="0660", GROUP="plugdev"`;
}

/** Where the rules go and how to load them, as lines to print under the rules. */
export const UDEV_HOWTO = [
  'Put these lines in /etc/udev/rules.d/60-gangflash.rules, then run:',
  '  sudo udevadm control --reload-rules && sudo udevadm trigger',
  'and make sure your user is in the plugdev group (sudo usermod -aG plugdev $USER; log in again).',
];
