import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/serve/server.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC } from '../planning/fixtures.js';
import { finishedLot, type LotFixture } from '../report/lot-fixture.js';

const dir = tmpDir();
const TOKEN = 'correct-horse-battery';

/** GET with raw headers (including Host), resolving status and body. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe('dashboard access', () => {
  let lf: LotFixture;
  let d: Dashboard;
  beforeAll(async () => {
    lf = finishedLot(dir, 'auth.db');
    d = await startDashboard({ dbFile: path.join(dir, 'auth.db'), port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await d?.close();
    lf.f.db.close();
  });

  it('a request without the token, or with a wrong one, is refused with 401', async () => {
    expect((await get(`${d.url}api/lots`)).status).toBe(401);
    expect((await get(`${d.url}`)).status).toBe(401);
    expect((await get(`${d.url}api/lots`, { authorization: 'Bearer wrong-token-xx' })).status).toBe(401);
    expect((await get(`${d.url}api/lots?token=${TOKEN}x`)).status).toBe(401);
  });

  it('the token is accepted as a Bearer header or as ?token=', async () => {
    const a = await get(`${d.url}api/lots`, { authorization: `Bearer ${TOKEN}` });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body).lots[0]).toMatchObject({ lot: 'LOT-7', passed: 56, failed: 4 });
    expect((await get(`${d.url}api/farm?token=${TOKEN}`)).status).toBe(200);
  });

  it('binding a non-loopback address without a token is refused before listening', async () => {
    await expect(startDashboard({ dbFile: path.join(dir, 'auth.db'), host: '0.0.0.0', port: 0 })).rejects.toThrow(/--token/);
    const r = runCli(['--db', path.join(dir, 'auth.db'), 'serve', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--host 0\.0\.0\.0 is reachable from other machines.*\[token-required\]/);
  });

  it('a --host that does not resolve is refused as a bad host (exit 1), not an internal error', () => {
    const r = runCli(['--db', path.join(dir, 'auth.db'), 'serve', '--host', 'no-such-host.invalid', '--port', '0', '--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--host no-such-host\.invalid is not a name or address this machine can resolve.*\[bad-host\]/);
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });

  it('without a token, the loopback dashboard answers only requests addressed to localhost', async () => {
    const open = await startDashboard({ dbFile: path.join(dir, 'auth.db'), port: 0 });
    try {
      expect((await get(`${open.url}api/lots`)).status).toBe(200);
      expect((await get(`${open.url}api/lots`, { host: 'attacker.example:7070' })).status).toBe(403);
    } finally {
      await open.close();
    }
  });
});

describe('dashboard API and live stream', () => {
  let lf: LotFixture;
  let d: Dashboard;
  beforeAll(async () => {
    lf = finishedLot(dir, 'live.db');
    lf.f.lot('LOT-8', EMMC.part, { qty: 10, created: '2026-02-03T00:00:00.000Z' });
    d = await startDashboard({ dbFile: path.join(dir, 'live.db'), port: 0, pollMs: 100 });
  });
  afterAll(async () => {
    await d?.close();
    lf.f.db.close();
  });

  it('the farm shows every programmer and site with its adapter life and last result', async () => {
    const farm = JSON.parse((await get(`${d.url}api/farm`)).body) as { programmers: { name: string; sites: { site: number; adapter: { used: number } | null; last: { result: string; failureCode: string | null } | null; yield: { attempts: number; passed: number; low: boolean } | null }[] }[] };
    expect(farm.programmers.map((p) => p.name)).toEqual(['P-A', 'P-B']);
    const b3 = farm.programmers[1].sites[3];
    // P-B site 3: 15 attempts, the last (n = 59) failed bad-contact; none passed, so it is flagged against P-B's others.
    expect(b3).toMatchObject({ adapter: { used: 15 }, last: { result: 'fail', failureCode: 'bad-contact' }, yield: { attempts: 15, passed: 0, low: true } });
    expect(farm.programmers[1].sites[1]).toMatchObject({ yield: { low: false } });
  });

  it('a new attempt written by another connection reaches an SSE client with the lot counters', async () => {
    const seen: string[] = [];
    const got = new Promise<{ attempt: Record<string, unknown>; lot: Record<string, unknown> }>((resolve, reject) => {
      const req = http.get(`${d.url}api/live`, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buf = '';
        let attempt: Record<string, unknown> | undefined;
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            seen.push(msg);
            if (msg.includes(': connected')) {
              // Subscribed: now the "runner" writes one attempt and its device row.
              lf.f.attempt({ lot: 'LOT-8', seq: 1, programmer: 1, site: 2, adapter: 3, start: '2026-02-03T09:00:00.000Z', durationSec: 4, result: 'pass', serial: 'S-1' });
            }
            const ev = /^event: (\w+)\ndata: (.*)$/s.exec(msg);
            if (ev?.[1] === 'attempt') attempt = JSON.parse(ev[2]);
            if (ev?.[1] === 'lot' && attempt) {
              req.destroy();
              resolve({ attempt, lot: JSON.parse(ev[2]) });
            }
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
    });
    const { attempt, lot } = await got;
    expect(attempt).toMatchObject({ lot: 'LOT-8', seq: 1, attempt: 1, programmer: 'P-A', site: 2, adapter: 'AD-1-2', result: 'pass' });
    expect(lot).toEqual({ lot: 'LOT-8', status: 'open', planned: 10, passed: 1, failed: 0, yield: 1 });
  });

  it('forecasts and lot details are served as JSON; a bad request is a 400 with the error code', async () => {
    const a = JSON.parse((await get(`${d.url}api/adapters?weeks=2`)).body) as { weeks: number; adapters: { serial: string }[] };
    expect(a.weeks).toBe(2);
    expect(a.adapters).toHaveLength(8);
    const lot = JSON.parse((await get(`${d.url}api/lots/LOT-7`)).body) as { planned: number; reels: unknown[] };
    expect(lot).toMatchObject({ planned: 60, reels: [{ reel: 'R1', quantity: 60 }] });
    const bad = await get(`${d.url}api/lots/NOPE`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('unknown-lot');
  });

  it('the MES backlog is served: settings without credentials and the messages waiting', async () => {
    lf.f.db.prepare(`INSERT INTO mes_config (id, sink, folder, handle) VALUES (1, 'file', '/srv/cfx', 'Acme.Line3.Prog-07')`).run();
    lf.f.db.prepare(`INSERT INTO mes_outbox (unique_id, message_name, time_stamp, body) VALUES ('u1', 'CFX.Production.WorkStarted', '2026-02-03T00:00:00.000Z', '{}')`).run();
    const m = JSON.parse((await get(`${d.url}api/mes`)).body) as Record<string, unknown>;
    expect(m).toMatchObject({ pending: 1, oldestPending: '2026-02-03T00:00:00.000Z', config: { sink: 'file', handle: 'Acme.Line3.Prog-07' } });
  });
});
