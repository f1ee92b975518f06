// The local RabbitMQ's CPU (beam.smp, read from /proc): the MES benches count it, as it shares the lot's cores.
import fs from 'node:fs';

/** The local broker's process id, or undefined when none runs on this machine. */
export const brokerPid = fs.readdirSync('/proc').find((p) => {
  if (!/^\d+$/.test(p)) return false;
  try {
    return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'beam.smp';
  } catch {
    return false;
  }
});

/** CPU ms the local broker has used so far (utime + stime, 100 Hz ticks), or null when none runs here. */
export function brokerCpuMs(): number | null {
  if (!brokerPid) return null;
  const f = fs.readFileSync(`/proc/${brokerPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}
