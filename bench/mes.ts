// npm run bench:mes [-- --devices 20000]
// What MES costs per device and per message, each against its baseline in the same run: the recording transaction
// with and without its outbox messages (CPU of this process), and publishing the outbox they made to the local
// broker one envelope per AMQP message against packed (CPU of this process and of the broker, read from /proc), and
// to the file sink. `npm run bench:lot -- --mes compare` measures the whole run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/open.js';
import { AmqpSink } from '../src/mes/amqp-sink.js';
import { DEFAULT_PACK } from '../src/mes/amqp-pack.js';
import { FileSink } from '../src/mes/file-sink.js';
import { MesWriter } from '../src/mes/outbox-writer.js';
import { Publisher } from '../src/mes/publisher.js';
import type { MesSink } from '../src/mes/sink.js';
import { OutboxStore } from '../src/store/outbox.js';
import { lotFixture } from '../test/helpers/lot-fixture.js';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '20000' } } });
const N = Number(values.devices);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-mes-'));
const { dbFile } = await lotFixture({ dir, devices: N, programmers: 1, sites: 1, imageBytes: 4096 });
const db = openDb(dbFile, { create: false });
const store = new OutboxStore(db);
const address = `/exchange/amq.topic/gangflash.bench.${process.pid}`;
store.setConfig({ enabled: true, sink: 'amqp', broker: 'amqp://127.0.0.1:5672', address, folder: null, handle: 'Bench.Line1.Prog-01', target: null });
const site = { programmerId: 1, programmer: 'sim-1', site: 0, adapterId: 1, adapter: 'A-1-0', insertions: 0, ratedInsertions: 5000 };
const mes = MesWriter.forLot(db, 'LOT-1', [site]) as MesWriter;

/** CPU ms of this process (every thread). */
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** CPU ms of the local RabbitMQ (beam.smp), or null when none runs here. */
const beamPid = fs.readdirSync('/proc').find((p) => /^\d+$/.test(p) && (() => { try { return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'beam.smp'; } catch { return false; } })());
const broker = () => {
  if (!beamPid) return null;
  const f = fs.readFileSync(`/proc/${beamPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (100 Hz)
};

// Recording: the same transaction (an event row per device standing for the run's own rows) without and with the
// messages of finished serialized devices (UnitsProcessed + UnitsPersonalized), one device per transaction as the run
// records them (src/scheduler/recorder.ts); GANGFLASH_BENCH_PER_TX=16 times 16 devices per transaction instead.
const PER_TX = Number(process.env.GANGFLASH_BENCH_PER_TX ?? 1);
const ins = db.prepare(`INSERT INTO events (lot_id, kind, code, message) VALUES ('LOT-1', 'audit', 'bench', ?)`);
const t0 = Date.now();
const rec = (i: number) => ({ device: { lot: 'LOT-1', reel: 'R1', seq: i }, attempt: 1, programmerId: 1, site: i % 16, adapterId: 1, startedAt: new Date(t0 + i).toISOString(), endedAt: new Date(t0 + i + 400).toISOString(), failureCode: null, stage: null, badBlocks: 0, serial: `SN${i}`, final: true, fields: [{ name: 'SerialNumber', text: `SN${i}` }] });
const batchOf = (first: number) => Array.from({ length: Math.min(PER_TX, N - first + 1) }, (_, k) => rec(first + k));
const without = db.transaction((list: ReturnType<typeof batchOf>) => list.forEach((r) => ins.run(`d${r.device.seq}`)));
const withMes = db.transaction((list: ReturnType<typeof batchOf>) => {
  list.forEach((r) => ins.run(`d${r.device.seq}`));
  mes.attempts(list);
});
let c0 = cpu();
for (let i = 1; i <= N; i += PER_TX) without(batchOf(i));
const recordOff = cpu() - c0;
c0 = cpu();
for (let i = 1; i <= N; i += PER_TX) withMes(batchOf(i));
const recordOn = cpu() - c0;
const messages = store.pendingCount();

/** Publishes the whole outbox again through `sink`: CPU here and at the broker, per message. */
async function publish(sink: MesSink) {
  db.prepare('UPDATE mes_publish_state SET sent_through = 0').run();
  const p = new Publisher(db, store.config()!, sink);
  const c = cpu();
  const b = broker();
  const t = Date.now();
  while ((await p.step()) > 0);
  const ms = Date.now() - t;
  const here = cpu() - c;
  const there = b === null ? null : (broker() as number) - b;
  await p.stop();
  return { wallMs: ms, usPerMessage: +((here / messages) * 1000).toFixed(1), brokerUsPerMessage: there === null ? null : +((there / messages) * 1000).toFixed(1) };
}
const brokerUp = beamPid !== undefined;
const single = brokerUp ? await publish(new AmqpSink({ broker: 'amqp://127.0.0.1:5672', address, pack: 1 })) : null;
const packed = brokerUp ? await publish(new AmqpSink({ broker: 'amqp://127.0.0.1:5672', address, pack: DEFAULT_PACK })) : null;
const file = await publish(new FileSink(path.join(dir, 'cfx')));
db.close();
fs.rmSync(dir, { recursive: true, force: true });

const result = {
  bench: 'mes',
  devices: N,
  messages,
  recordUsPerDevice: { without: +((recordOff / N) * 1000).toFixed(1), with: +((recordOn / N) * 1000).toFixed(1), added: +(((recordOn - recordOff) / N) * 1000).toFixed(1) },
  amqpOnePerMessage: single,
  amqpPacked: packed && { ...packed, pack: DEFAULT_PACK },
  file,
};
console.log(JSON.stringify(result));
const r = result.recordUsPerDevice;
console.log(`
MES costs, ${N} serialized devices (${messages} messages)
  recording transaction   ${r.without} µs CPU per device without MES, ${r.with} with: +${r.added} µs (UnitsProcessed + UnitsPersonalized; ${PER_TX} devices per transaction)`);
const line = (name: string, x: { wallMs: number; usPerMessage: number; brokerUsPerMessage: number | null } | null) =>
  x && console.log(`  ${name.padEnd(24)}${x.usPerMessage} µs CPU here + ${x.brokerUsPerMessage ?? '?'} µs at the broker per message; ${x.wallMs} ms for all`);
line('amqp, one per message', single);
line(`amqp, packed by ${DEFAULT_PACK}`, packed);
line('file sink', file);
if (single && packed) console.log(`  packed / one per message: ${(packed.usPerMessage / single.usPerMessage).toFixed(2)} of the CPU here, ${((packed.brokerUsPerMessage ?? 0) / (single.brokerUsPerMessage ?? 1)).toFixed(2)} at the broker`);
if (!brokerUp) console.log('  (no RabbitMQ on this machine: the AMQP lines are skipped)');
