/** A chip on an SPI bus as the bus master sees it: CS# edges and full-duplex bytes. */
export interface SpiTarget {
  /** CS# went low. */
  select(): void;
  /** One byte clocked: `mosi` in, the returned byte out on MISO (0xFF when the chip does not drive it). */
  exchange(mosi: number): number;
  /** CS# went high: commands that execute on the rising edge run now. */
  deselect(): void;
}

/** Parses a catalog hex ID string into bytes. */
export function idBytesOf(hex: string): Uint8Array {
  return Uint8Array.from(hex.replace(/[^0-9a-f]/gi, '').match(/../g) ?? [], (b) => parseInt(b, 16));
}
