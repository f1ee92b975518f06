import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { LiveView } from '../../src/cli/live-view.js';
import { mesBacklogLine } from '../../src/mes/backlog.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { tmpDir } from '../helpers/tmp.js';

/** A fresh station database, with MES set to a file folder when `folder` is given. */
function station(folder?: string) {
  const db = openDb(path.join(tmpDir('gangflash-mes-backlog-'), 'gangflash.db'));
  const store = new OutboxStore(db);
  if (folder) store.setConfig({ enabled: true, sink: 'file', broker: null, address: null, folder, handle: 'Acme.Line3.Prog-07', target: null });
  return { db, store };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the MES backlog in the live view', () => {
  it('counts the messages waiting, says when all are sent, and names the last error while the publisher retries', () => {
    vi.useFakeTimers();
    const { db, store } = station('/srv/cfx');
    const line = mesBacklogLine(db) as () => string;
    expect(line()).toBe('MES to /srv/cfx: all sent');
    for (let i = 0; i < 1203; i++) store.add(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, 'CFX.Production.Processing.UnitsProcessed', '2026-11-27T02:53:37.081Z', 'LOT-1', '{}');
    expect(line()).toBe('MES to /srv/cfx: all sent'); // read at most once a second
    vi.advanceTimersByTime(1000);
    expect(line()).toBe('MES to /srv/cfx: 1,203 messages waiting');
    store.markFailed('connect ECONNREFUSED 127.0.0.1:5672');
    store.markSent(1202, { through: 0, open: [] }, '2026-11-27T02:53:38.000Z');
    store.markFailed('connect ECONNREFUSED 127.0.0.1:5672');
    vi.advanceTimersByTime(1000);
    expect(line()).toBe('MES to /srv/cfx: 1 message waiting · retrying: connect ECONNREFUSED 127.0.0.1:5672');
    store.markSent(1203, { through: 0, open: [] }, '2026-11-27T02:53:39.000Z');
    store.prune(0);
    vi.advanceTimersByTime(1000);
    expect(line()).toBe('MES to /srv/cfx: all sent');
    db.close();
  });

  it('a station without MES (or with MES off) shows no MES line', () => {
    const { db, store } = station();
    expect(mesBacklogLine(db)).toBeNull();
    store.setConfig({ enabled: false, sink: 'file', broker: null, address: null, folder: '/srv/cfx', handle: 'Acme.Line3.Prog-07', target: null });
    expect(mesBacklogLine(db)).toBeNull();
    db.close();
  });

  it('the live view draws the line under the lot progress', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false, columns: undefined });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const view = new LiveView({ lot: 'L', programmers: [{ name: 'sim-1', sites: [{ site: 0, state: 'idle', passed: 0, failed: 0 }] }], activeAlarms: [], mes: () => 'MES to /srv/cfx: 12 messages waiting' }, stream as never);
    view.stop();
    expect(text).toContain('MES to /srv/cfx: 12 messages waiting');
  });
});
