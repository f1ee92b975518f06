/**
 * The part of the W3C WebUSB `USBDevice` that gangflash drivers use. The `usb` package's `WebUSB` devices and the
 * emulated devices in `src/programmers/emulation/` both satisfy it, so a driver never knows which one it talks to.
 * The optional third `timeout` argument (milliseconds) is the `usb` package's extension to the W3C signature.
 */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null | undefined;
  readonly productName?: string | null;
  readonly manufacturerName?: string | null;
  readonly opened: boolean;
  readonly configuration: UsbConfigurationLike | null | undefined;
  readonly configurations: UsbConfigurationLike[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  controlTransferOut(setup: UsbControlSetup, data?: Uint8Array, timeout?: number): Promise<UsbOutResult>;
  transferOut(endpointNumber: number, data: Uint8Array, timeout?: number): Promise<UsbOutResult>;
  transferIn(endpointNumber: number, length: number, timeout?: number): Promise<UsbInResult>;
  /** Linux only (the `usb` package): detach a kernel driver such as cdc_acm before claiming. */
  detachKernelDriver?(interfaceNumber: number): Promise<void>;
}

/** A WebUSB transfer status. */
export type UsbTransferStatus = 'ok' | 'stall' | 'babble';

/** Result of an IN transfer. */
export interface UsbInResult {
  readonly data?: DataView;
  readonly status: UsbTransferStatus;
}

/** Result of an OUT transfer. */
export interface UsbOutResult {
  readonly bytesWritten: number;
  readonly status: UsbTransferStatus;
}

/** Setup packet of a control transfer. */
export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/** One endpoint descriptor. */
export interface UsbEndpointLike {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

/** One alternate setting of an interface. */
export interface UsbAlternateLike {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly endpoints: UsbEndpointLike[];
}

/** One interface of a configuration. */
export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly alternate: UsbAlternateLike;
  readonly alternates: UsbAlternateLike[];
  readonly claimed: boolean;
}

/** One configuration descriptor. */
export interface UsbConfigurationLike {
  readonly configurationValue: number;
  readonly interfaces: UsbInterfaceLike[];
}
