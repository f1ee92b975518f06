/**
 * A session worker for tests that kill a worker the hard way: it runs the real session, and once the programmer named
 * in `Piscina.workerData` reports `afterBytes` bytes programmed in wave `wave`, it throws outside any promise (the
 * thread dies, as it would on a native crash) and never answers again.
 */
import { Piscina } from 'piscina';
import type { FromSession, SessionTask } from '../../src/fanout/pool/messages.js';
import programmerSession from '../../workers/programmer-session.js';

/** Which programmer dies, in which wave, after how many image bytes programmed. */
export interface CrashPlan {
  programmer: string;
  wave: number;
  afterBytes: number;
}

/** The session task, with the crash plan applied to its programmer's progress reports. */
export default function crashingSession(task: SessionTask): Promise<string> {
  const plan = Piscina.workerData as CrashPlan;
  if (task.spec.name === plan.programmer) {
    const post = task.port.postMessage.bind(task.port);
    let dead = false;
    task.port.postMessage = (m: FromSession) => {
      if (dead) return;
      if (m.type === 'progress' && m.wave === plan.wave && m.stage === 'program' && m.bytesDone >= plan.afterBytes) {
        dead = true;
        setImmediate(() => {
          throw new Error(`test worker crashed after ${m.bytesDone} image bytes`);
        });
        return;
      }
      post(m);
    };
  }
  return programmerSession(task);
}
