import type { RunEvent, RunListener } from '../scheduler/events.js';
import { LiveView } from './live-view.js';

/** How a run reports: the live view on a terminal, NDJSON lines for scripts, or nothing. */
export type RunOutputMode = 'live' | 'ndjson' | 'quiet';

/** Picks the output: NDJSON with --json or when stdout is not a terminal, else the live view. */
export function outputMode(json: boolean | undefined): RunOutputMode {
  return json || !process.stdout.isTTY ? 'ndjson' : 'live';
}

/** A listener printing a run's events in the chosen mode; `stop()` ends the live view. */
export function runOutput(mode: RunOutputMode, opts: { progress?: boolean } = {}): { listener: RunListener; stop: () => void } {
  if (mode === 'quiet') return { listener: () => {}, stop: () => {} };
  if (mode === 'live') {
    const view = new LiveView();
    return { listener: view.onEvent, stop: () => view.stop() };
  }
  return {
    listener: (e: RunEvent) => {
      if (e.type === 'site-progress' && !opts.progress) return;
      process.stdout.write(JSON.stringify(e) + '\n');
    },
    stop: () => {},
  };
}
