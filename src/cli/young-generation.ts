import v8 from 'node:v8';

/** V8's own factor by which a young generation grows (`node --v8-options`, --semi-space-growth-factor). */
const V8_GROWTH_FACTOR = 2;

/**
 * Keeps every isolate's young generation at the size it has now, until the returned function is called. V8 doubles a
 * young generation each time the bytes that survived its collections since the last growth exceed its size, so a
 * long run always ends at the largest one (the main thread's 33 -> 50 MB committed about 30,000 devices into a lot
 * at unlimited speed) however flat its live heap: peak RSS grew with the lot's length. Start-up has sized it by
 * then. Nothing is done when the user tunes the young generation (a semi-space flag in NODE_OPTIONS or execArgv).
 */
export function holdYoungGeneration(): () => void {
  const tuned = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /semi[-_]space/.test(a));
  if (tuned) return () => {};
  // Read by V8 only when a young generation grows (after start-up flags are set, which V8 allows in Node).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  return () => v8.setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
}
