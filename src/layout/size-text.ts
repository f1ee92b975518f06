/** A byte count as "N bytes (X MiB)" for messages that state sizes. */
export function sizeText(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  if (unit === '') return `${bytes} bytes`;
  const shown = v >= 100 ? v.toFixed(1) : v.toFixed(2);
  return `${bytes} bytes (${shown} ${unit})`;
}
