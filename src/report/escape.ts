/** Text escaped for HTML/SVG content and attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A share 0..1 as a percentage with one decimal, or '-' for null. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;
}

/** A colour for a yield on a red (lo) → green (1) scale. */
export function yieldColour(y: number, lo: number): string {
  const t = Math.max(0, Math.min(1, (y - lo) / (1 - lo || 1)));
  return `hsl(${Math.round(t * 120)}, 65%, ${Math.round(42 + 8 * (1 - t))}%)`;
}
