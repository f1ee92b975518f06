import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { intOption } from '../../strict-number.js';
import { openDb } from '../../db/open.js';
import { OutboxStore, type MesConfigRow } from '../../store/outbox.js';
import { checkBrokerUrl } from '../../mes/settings.js';
import { SentTail } from '../../mes/sent-tail.js';
import { verifyAfterUncleanClose } from '../../scheduler/clean-close.js';
import { probeSink } from '../../mes/probe.js';
import { Publisher } from '../../mes/publisher.js';
import { sinkOf } from '../../mes/settings.js';
import { dbPath, withDb } from '../context.js';
import { printJson, say } from '../output.js';

/** A CFX handle: dotted names of letters, digits, `-` and `_` (e.g. Acme.Line3.Prog-07). */
const HANDLE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

/** `gangflash mes set|status|test|tail|publish`. */
export function register(program: Command): void {
  const mes = program.command('mes').description('MES: IPC-CFX messages over AMQP 1.0 (or a file folder) from a durable outbox (docs/mes.md)');
  mes
    .command('set')
    .description('where this station publishes: --broker and --address (AMQP 1.0) or --folder (one JSON line per message)')
    .requiredOption('--handle <handle>', 'this station\'s CFX handle, e.g. Acme.Line3.Prog-07')
    .option('--broker <url>', 'amqp://HOST:PORT or amqps://HOST:PORT (credentials: $GANGFLASH_MES_USERNAME/$GANGFLASH_MES_PASSWORD or $GANGFLASH_MES_CREDENTIALS_FILE)')
    .option('--address <address>', 'AMQP target address, e.g. /exchange/cfx/Acme.Line3 or /queue/cfx', '/queue/cfx')
    .option('--folder <dir>', 'file sink: append envelopes to DIR/cfx-YYYY-MM-DD.ndjson instead of a broker')
    .option('--target <handle>', 'the envelopes\' Target (default: none, a broadcast)')
    .option('--off', 'stop writing messages (the outbox keeps what it has)')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { handle: string; broker?: string; address: string; folder?: string; target?: string; off?: boolean; json?: boolean }) {
      if (!HANDLE.test(o.handle)) throw new UsageError('mes-handle', `--handle "${o.handle}" is not a CFX handle; give dotted names such as Acme.Line3.Prog-07`);
      if (o.broker && o.folder) throw new UsageError('mes-sink', 'give --broker or --folder, not both');
      if (!o.broker && !o.folder) throw new UsageError('mes-sink', 'give --broker amqp://HOST:PORT (with --address) or --folder DIR');
      if (o.folder && fs.statSync(o.folder, { throwIfNoEntry: false })?.isDirectory() === false) {
        throw new UsageError('mes-folder', `--folder ${path.resolve(o.folder)} is a file or a device, not a folder; give the folder the messages go to (it is made if missing)`);
      }
      const c: MesConfigRow = {
        enabled: !o.off,
        sink: o.broker ? 'amqp' : 'file',
        broker: o.broker ? checkBrokerUrl(o.broker) : null,
        address: o.broker ? o.address : null,
        // Absolute: a run or `mes publish` started from another folder writes to the same place.
        folder: o.folder ? path.resolve(o.folder) : null,
        handle: o.handle,
        target: o.target ?? null,
      };
      withDb(this, (db) => new OutboxStore(db).setConfig(c));
      if (o.json) printJson(c);
      else say(`mes: ${c.enabled ? 'on' : 'off'}; ${c.sink === 'amqp' ? `${c.broker} ${c.address}` : `folder ${c.folder}`} as ${c.handle}`);
    });
  mes
    .command('status')
    .description('settings (never credentials), messages waiting in the outbox, the last error')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { json?: boolean }) {
      const s = withDb(this, (db) => {
        // A run found killed is closed first: its StationOffline and cleared faults join the outbox (docs/mes.md).
        verifyAfterUncleanClose(db, dbPath(this));
        const store = new OutboxStore(db);
        return { config: store.config(), ...store.counts() };
      });
      if (o.json) return printJson(s);
      if (!s.config) say('mes: not set up (gangflash mes set --handle … --broker … | --folder …)');
      else say(`mes: ${s.config.enabled ? 'on' : 'off'}; ${s.config.sink === 'amqp' ? `${s.config.broker} ${s.config.address}` : `folder ${s.config.folder}`} as ${s.config.handle}`);
      say(`outbox: ${s.pending} waiting${s.oldestPending ? ` (oldest ${s.oldestPending})` : ''}; last sent ${s.lastSentAt ?? 'never'}${s.lastError ? `; last error: ${s.lastError}` : ''}`);
    });
  mes
    .command('test')
    .description('send one AreYouThereRequest to the configured sink and report')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, o: { json?: boolean }) {
      const c = withDb(this, (db) => new OutboxStore(db).config());
      if (!c) throw new UsageError('mes-not-set', 'MES is not set up; run `gangflash mes set` first');
      const r = await probeSink(c);
      if (o.json) printJson(r);
      else say(r.ok ? `mes: ${r.sink} accepted an AreYouThereRequest in ${r.ms} ms` : `mes: ${r.sink} did not accept the probe: ${r.error ?? 'refused'}`);
      if (!r.ok) throw new UsageError('mes-unreachable', `the MES sink did not accept the probe (${r.error ?? 'refused'})`, {}, r);
    });
  mes
    .command('tail')
    .description('print the envelopes sent last (NDJSON); --follow keeps printing as they are sent')
    .option('-n, --lines <n>', 'how many of the last sent', '10')
    .option('--follow', 'keep printing')
    .action(async function (this: Command, o: { lines: string; follow?: boolean }) {
      const lines = intOption('--lines', o.lines, { min: 0, max: 1_000_000 });
      const db = openDb(dbPath(this), { create: false });
      try {
        const store = new OutboxStore(db);
        const c = store.config();
        const tail = new SentTail(db, store, c?.handle ?? 'unset', c?.target ?? null, lines);
        const print = (last = Infinity) => process.stdout.write(tail.next(last).map((t) => `${t}\n`).join(''));
        print(lines);
        if (!o.follow) return;
        await new Promise<void>((resolve) => {
          const t = setInterval(() => print(), 500);
          const stop = () => {
            clearInterval(t);
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } finally {
        db.close();
      }
    });
  mes
    .command('publish')
    .description('send what waits in the outbox (a run does this itself); --once exits when it is empty')
    .option('--once', 'exit 0 once the outbox is empty (non-zero when --timeout passes first)')
    .option('--timeout <s>', 'with --once: seconds to keep trying', '60')
    .option('--json', 'print a summary as JSON')
    .action(async function (this: Command, o: { once?: boolean; timeout: string; json?: boolean }) {
      const timeout = intOption('--timeout', o.timeout, { min: 0, max: 604_800 });
      const db = openDb(dbPath(this), { create: false });
      try {
        verifyAfterUncleanClose(db, dbPath(this));
        const store = new OutboxStore(db);
        const c = store.config();
        if (!c) throw new UsageError('mes-not-set', 'MES is not set up; run `gangflash mes set` first');
        const p = new Publisher(db, c, sinkOf(c), { onError: (e, ms) => process.stderr.write(`gangflash: mes: ${e.message}; retrying in ${Math.round(ms / 1000)} s\n`) });
        let empty: boolean;
        if (o.once) {
          empty = await p.drain(timeout * 1000);
        } else {
          p.start();
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
          empty = p.pending() === 0;
        }
        await p.stop();
        const left = p.pending();
        if (o.json) printJson({ sent: p.sent, pending: left });
        else say(`mes: ${p.sent} sent, ${left} waiting`);
        if (!empty && o.once) throw new UsageError('mes-backlog', `${left} message(s) still wait in the outbox after ${timeout} s; see \`gangflash mes status\``);
      } finally {
        db.close();
      }
    });
}
