import path from 'node:path';
import { it } from 'vitest';
import { stationJournal } from './stations.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

it('speed', async () => {
  const dir = tmpDir('hubtry-');
  const a = await stationJournal(path.join(dir, 'A'), { reels: 1, quantity: 64, sim: { speed: 1 } });
  const t = Date.now();
  const r = runCli(['--db', a, 'run', '--lot', 'LOT-1', '--json']);
  console.log(r.code, Date.now() - t, r.stdout.split('\n').filter((l) => l.includes('lot-done')).join('\n'));
}, 300000);
