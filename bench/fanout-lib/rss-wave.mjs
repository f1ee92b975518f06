/**
 * Peak RSS of one fan-out wave in a process of its own, as shipped: FarmSession from dist/, no tsx, nothing else
 * loaded (plain JavaScript so that no TypeScript loader counts against it). Spawned by bench/fanout.ts, which passes
 * the wave as one JSON argument: `{ image, programmers, chip, cycles: [[name, plan], …] }`.
 *
 * Prints one JSON line: the wave's wall time, VmHWM (peak RSS of the whole process, all threads) before the session,
 * after it started and after the wave, and the image bytes the wave read (counted by the ring writer).
 */
import fs from 'node:fs';

const { image, programmers, chip, cycles } = JSON.parse(process.argv[2]);
const { FarmSession } = await import(new URL('../../dist/src/fanout/pool/farm-session.js', import.meta.url).href);
const hwmMB = () => Math.round(Number(/VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);

const atStart = hwmMB();
const session = await FarmSession.start({ programmers, chip });
const started = hwmMB();
const t0 = performance.now();
const out = await session.runWave({ path: image }, new Map(cycles));
const ms = performance.now() - t0;
const ok = [...out.values()].every((r) => 'results' in r && r.results.every((x) => x.ok));
const afterWave = hwmMB();
const readMB = Math.round(session.lastWave.imageBytesRead / 2 ** 20);
await session.close();
console.log(JSON.stringify({ ok, ms: Math.round(ms), hwmStartMB: atStart, hwmStartedMB: started, peakRssMB: afterWave, countedMB: readMB }));
