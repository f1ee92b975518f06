/**
 * CH341A wire facts (WCH CH341 datasheet; the command values are also those used by flashrom's ch341a_spi.c):
 * bulk OUT 0x02 / IN 0x82, 32-byte packets, each packet starts with a stream command.
 *  - SPI stream 0xA8: the remaining bytes of the packet are clocked out LSB-first (so the host bit-reverses them);
 *    the device answers with as many bytes read from MISO, also bit-reversed.
 *  - UIO stream 0xAB: sub-commands OUT 0x80|pins (D5..D0), DIR 0x40|mask, US 0xC0|µs, END 0x20. D0 is CS#.
 *  - I2C stream 0xAA: sub-command SET 0x60|speed (bits 1..0: 20k/100k/400k/750k, also the SPI clock divider;
 *    bit 2: dual-SPI), END 0x00.
 */
export const CH341A_VID = 0x1a86;
/** USB product ID of the CH341A in its serial/parallel (EPP/I2C/SPI) mode. */
export const CH341A_PID = 0x5512;
/** Bulk endpoints, numbered as WebUSB wants them (0x02 OUT, 0x82 IN). */
export const CH341A_EP_OUT = 2;
export const CH341A_EP_IN = 2;
/** USB packet size of the CH341A's bulk endpoints. */
export const CH341A_PACKET = 32;
/** SPI payload bytes one stream packet carries (the packet minus its command byte). */
export const CH341A_SPI_PER_PACKET = CH341A_PACKET - 1;

export const CMD_SPI_STREAM = 0xa8;
export const CMD_I2C_STREAM = 0xaa;
export const CMD_UIO_STREAM = 0xab;
export const I2C_STM_SET = 0x60;
export const I2C_STM_END = 0x00;
export const UIO_STM_IN = 0x00;
export const UIO_STM_DIR = 0x40;
export const UIO_STM_OUT = 0x80;
export const UIO_STM_US = 0xc0;
export const UIO_STM_END = 0x20;
/** Pin levels on D5..D0 with CS# (D0) high, and with CS# low. */
export const PINS_CS_HIGH = 0x37;
export const PINS_CS_LOW = 0x36;
/** D5..D0 as outputs. */
export const PINS_DIR = 0x3f;

/** Stream speed codes (I2C SET low bits). */
export type Ch341aSpeed = 0 | 1 | 2 | 3;

/** Byte with its bit order reversed, from a table built once. */
export const BIT_REVERSE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
    t[i] = r;
  }
  return t;
})();

/** Writes the UIO packet that drives CS# low (`asserted`) or high into `buf` at `at`; returns its length. */
export function writeCsPacket(buf: Uint8Array, at: number, asserted: boolean): number {
  buf[at] = CMD_UIO_STREAM;
  buf[at + 1] = UIO_STM_OUT | (asserted ? PINS_CS_LOW : PINS_CS_HIGH);
  buf[at + 2] = UIO_STM_DIR | PINS_DIR;
  buf[at + 3] = UIO_STM_END;
  return 4;
}

/** The UIO packet that makes D5..D0 inputs again (DIR 0x00): the pins float once the driver closes. */
export function releasePacket(): Uint8Array {
  return Uint8Array.of(CMD_UIO_STREAM, UIO_STM_DIR | 0x00, UIO_STM_END);
}

/** The I2C-stream packet that sets the stream speed. */
export function speedPacket(speed: Ch341aSpeed): Uint8Array {
  return Uint8Array.of(CMD_I2C_STREAM, I2C_STM_SET | speed, I2C_STM_END);
}
