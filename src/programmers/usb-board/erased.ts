/** True when every byte of `b` is 0xFF (an erased NAND/NOR area). */
export function allErased(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}
