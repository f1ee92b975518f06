// npm run bench:mes [-- --devices 20000]
// What publishing costs per message, each sink against the others in the same run: a serialized lot of N devices
// runs on 4 × 8 sim sites at unlimited speed with MES on (file sink), so its unit messages are built from its real
// attempts rows and its other messages are in the outbox; then the same messages are published again (cursors reset)
// one envelope per AMQP message, packed, and to the file sink, timing the CPU of this process and of the broker
// (from /proc). What MES costs the recording thread and the lot's devices/s: `npm run bench:lot -- --mes compare`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/open.js';
import { AmqpSink } from '../src/mes/amqp-sink.js';
import { DEFAULT_PACK } from '../src/mes/amqp-pack.js';
import { FileSink } from '../src/mes/file-sink.js';
import { Publisher } from '../src/mes/publisher.js';
import type { MesSink } from '../src/mes/sink.js';
import { runLotService } from '../src/scheduler/lot-service.js';
import { OutboxStore } from '../src/store/outbox.js';
import { lotFixture } from '../test/helpers/lot-fixture.js';
import { brokerCpuMs, brokerPid } from './broker-cpu.js';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '20000' } } });
const N = Number(values.devices);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-bench-mes-'));
const { dbFile } = await lotFixture({ dir, devices: N, programmers: 4, sites: 8, imageBytes: 4096, serial: 'BM00000001@0x100000', sim: { speed: 'unlimited', linkLostRate: 0 }, prior: {} });
{
  const db = openDb(dbFile, { create: false });
  db.prepare('UPDATE adapters SET override_life = 1').run();
  new OutboxStore(db).setConfig({ enabled: true, sink: 'file', broker: null, address: null, folder: path.join(dir, 'lot-cfx'), handle: 'Bench.Line1.Prog-01', target: null });
  db.close();
}
process.env.GANGFLASH_MES_DRAIN_MS = '60000';
await runLotService({ dbFile, lot: 'LOT-1' });
const db = openDb(dbFile, { create: false });
const store = new OutboxStore(db);
const address = `/exchange/amq.topic/gangflash.bench.${process.pid}`;
store.setConfig({ enabled: true, sink: 'amqp', broker: 'amqp://127.0.0.1:5672', address, folder: null, handle: 'Bench.Line1.Prog-01', target: null });

/** CPU ms of this process (every thread). */
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Makes every message pending again: both cursors back to the start (the bench's own reset, not a user's act). */
const reset = () => db.prepare(`UPDATE mes_publish_state SET sent_through = 0, units_through = 0, units_open = '[]'`).run();
reset();
const messages = store.pendingCount();

/** Publishes the whole outbox again through `sink`: CPU here and at the broker, per message. */
async function publish(sink: MesSink) {
  reset();
  const p = new Publisher(db, store.config()!, sink);
  const c = cpu();
  const b = brokerCpuMs();
  const t = Date.now();
  while ((await p.step()) > 0);
  const ms = Date.now() - t;
  const here = cpu() - c;
  const there = b === null ? null : (brokerCpuMs() as number) - b;
  await p.stop();
  return { wallMs: ms, usPerMessage: +((here / messages) * 1000).toFixed(1), brokerUsPerMessage: there === null ? null : +((there / messages) * 1000).toFixed(1) };
}
const brokerUp = brokerPid !== undefined;
const single = brokerUp ? await publish(new AmqpSink({ broker: 'amqp://127.0.0.1:5672', address, pack: 1 })) : null;
const packed = brokerUp ? await publish(new AmqpSink({ broker: 'amqp://127.0.0.1:5672', address, pack: DEFAULT_PACK })) : null;
const file = await publish(new FileSink(path.join(dir, 'cfx')));
db.close();
fs.rmSync(dir, { recursive: true, force: true });

const result = {
  bench: 'mes',
  devices: N,
  messages,
  amqpOnePerMessage: single,
  amqpPacked: packed && { ...packed, pack: DEFAULT_PACK },
  file,
};
console.log(JSON.stringify(result));
console.log(`
MES publishing, a lot of ${N} serialized devices (${messages} messages; load average ${os.loadavg()[0].toFixed(2)})`);
const line = (name: string, x: { wallMs: number; usPerMessage: number; brokerUsPerMessage: number | null } | null) =>
  x && console.log(`  ${name.padEnd(24)}${x.usPerMessage} µs CPU here + ${x.brokerUsPerMessage ?? '?'} µs at the broker per message; ${x.wallMs} ms for all`);
line('amqp, one per message', single);
line(`amqp, packed by ${DEFAULT_PACK}`, packed);
line('file sink', file);
if (single && packed) console.log(`  packed / one per message: ${(packed.usPerMessage / single.usPerMessage).toFixed(2)} of the CPU here, ${((packed.brokerUsPerMessage ?? 0) / (single.brokerUsPerMessage ?? 1)).toFixed(2)} at the broker`);
if (!brokerUp) console.log('  (no RabbitMQ on this machine: the AMQP lines are skipped)');
