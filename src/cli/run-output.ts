import type { RunEvent, RunListener } from '../scheduler/events.js';
import type { LiveSetup } from './live-view.js';

/** How a run reports: the live view on a terminal, NDJSON lines for scripts, or nothing. */
export type RunOutputMode = 'live' | 'ndjson' | 'quiet';

/** Picks the output: NDJSON with --json or when stdout is not a terminal, else the live view. */
export function outputMode(json: boolean | undefined): RunOutputMode {
  return json || !process.stdout.isTTY ? 'ndjson' : 'live';
}

/** A run's output: the event listener, the "stopping" acknowledgement of Ctrl-C, notices, and the end of drawing. */
export interface RunOutput {
  listener: RunListener;
  /** Says at once that the run stops after the cycle in flight. */
  stopping: () => void;
  /** Tells the operator something outside the event stream (on stderr, or above the live view). */
  notice: (text: string) => void;
  stop: () => void;
}

/**
 * A listener printing a run's events in the chosen mode; the live view needs `setup` (the farm's every site). The live
 * view's terminal libraries are loaded only for it: NDJSON and quiet runs start without them.
 */
export async function runOutput(mode: RunOutputMode, opts: { progress?: boolean; setup?: LiveSetup } = {}): Promise<RunOutput> {
  const notice = (text: string) => process.stderr.write(`\ngangflash: ${text}\n`);
  if (mode === 'quiet') return { listener: () => {}, stopping: () => {}, notice: () => {}, stop: () => {} };
  if (mode === 'live') {
    if (!opts.setup) return { listener: () => {}, stopping: () => {}, notice, stop: () => {} };
    const { LiveView } = await import('./live-view.js');
    const view = new LiveView(opts.setup);
    return { listener: view.onEvent, stopping: () => view.stopping(), notice: (t) => view.notice(`gangflash: ${t}`), stop: () => view.stop() };
  }
  return {
    listener: (e: RunEvent) => {
      if (e.type === 'site-progress' && !opts.progress) return;
      process.stdout.write(JSON.stringify(e) + '\n');
    },
    stopping: () => notice('stopping after the cycle in flight (press Ctrl-C again to quit now; those devices are re-run on resume)'),
    notice,
    stop: () => {},
  };
}
