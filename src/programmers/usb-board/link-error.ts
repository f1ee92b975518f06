/** Why a USB link failed: the device stopped answering in time, or the transfer itself failed (unplugged, stall). */
export type LinkFailureCode = 'timeout' | 'link-lost';

/** A transport failure; drivers turn it into the failure code of every site they were driving. */
export class UsbLinkError extends Error {
  readonly code: LinkFailureCode;

  constructor(code: LinkFailureCode, message: string) {
    super(message);
    this.name = 'UsbLinkError';
    this.code = code;
  }
}

/** Classifies any error thrown by a WebUSB call as a UsbLinkError (timeouts by their message, everything else as link-lost). */
export function toLinkError(e: unknown, what: string): UsbLinkError {
  if (e instanceof UsbLinkError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const timedOut = /time(d)?\s*-?out|LIBUSB_ERROR_TIMEOUT|TimedOut/i.test(msg) || (e as { name?: string })?.name === 'TimeoutError';
  return new UsbLinkError(timedOut ? 'timeout' : 'link-lost', `${what}: ${msg}`);
}
