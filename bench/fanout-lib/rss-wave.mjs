/**
 * Peak RSS of one fan-out wave in a process of its own, as shipped: FarmSession from dist/, no tsx, nothing else
 * loaded (plain JavaScript so that no TypeScript loader counts against it). Spawned by bench/fanout.ts.
 *
 *   node bench/fanout-lib/rss-wave.mjs <image> <programmers> <chip.json> <part>
 *
 * Prints one JSON line: the wave's wall time, VmHWM (peak RSS of the whole process, all threads) before the session,
 * after it started and after the wave, and the image bytes the wave read (counted by the ring writer).
 */
import fs from 'node:fs';

const [image, programmers, chipFile, part] = process.argv.slice(2);
const { FarmSession } = await import(new URL('../../dist/src/fanout/farm-session.js', import.meta.url).href);
const chip = JSON.parse(fs.readFileSync(chipFile, 'utf8')).chips.find((c) => c.part === part);
const quiet = { linkLostRate: 0, wrongChipRate: 0, defectMultiplier: 0, grownBadBlockRate: 0, factoryBadBlockMean: 0, contact: { base: 0, atRatedLife: 0 } };
const size = fs.statSync(image).size;
const hwmMB = () => Math.round(Number(/VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);

const atStart = hwmMB();
const specs = Array.from({ length: Number(programmers) }, (_, i) => ({ name: `sim-${i + 1}`, driver: 'sim', model: 'sim-gang', serial: `SIM-${i + 1}`, sites: 8, options: { ...quiet, speed: 'unlimited' } }));
const session = await FarmSession.start({ programmers: specs, chip });
const started = hwmMB();
const cycles = new Map(specs.map((s) => [s.name, { insertions: Array.from({ length: 8 }, (_, k) => ({ site: k, device: `RSS/${s.name}/${k}` })), ops: ['program', 'verify'], expectedId: chip.idBytes, target: {}, imageBytes: size }]));
const t0 = performance.now();
const out = await session.runWave({ path: image }, cycles);
const ms = performance.now() - t0;
const ok = [...out.values()].every((r) => 'results' in r && r.results.every((x) => x.ok));
const afterWave = hwmMB();
const readMB = Math.round(session.lastWave.imageBytesRead / 2 ** 20);
await session.close();
console.log(JSON.stringify({ ok, ms: Math.round(ms), hwmStartMB: atStart, hwmStartedMB: started, peakRssMB: afterWave, countedMB: readMB }));
