import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/cli.js';
import { addEdge, describeCycles, type Graph } from './helpers/cycles.js';

/** Every .ts file under a folder. */
function files(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

/** Our own modules a file imports (value and type imports), as repo-relative paths. */
function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    out.push({ target: path.normalize(path.join(path.dirname(file), m[3])).replace(/\.js$/, '.ts'), typeOnly: !!m[2] });
  }
  for (const m of text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    out.push({ target: path.normalize(path.join(path.dirname(file), m[1])).replace(/\.js$/, '.ts'), typeOnly: false });
  }
  return out;
}

/** The node of the folder graph a file belongs to: `src/<folder>`, or a file directly in src/ itself. */
function folderOf(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/');
}

/** Which folder uses which (value and type imports), each edge with the file imports behind it. */
function folderGraph(): Graph {
  const graph: Graph = new Map();
  for (const f of [...files('src'), ...files('workers')]) {
    for (const imp of imports(f)) {
      const from = folderOf(f);
      const to = folderOf(imp.target);
      if (from !== to) addEdge(graph, from, to, `${f} -> ${imp.target}`);
    }
  }
  return graph;
}

/** The emulated USB devices and chip models, in one place (serialport's mock binding, DESIGN.md). */
const emulation = 'src/programmers/emulation';
/** The files that choose between an emulated and a real board: each driver's factory and the USB boards' options. */
const factories = /^src\/programmers\/([^/]+\/index|board-options)\.ts$/;

const under = (f: string, dir: string) => f === dir || f.startsWith(dir + path.sep) || f.startsWith(dir + '/');

/** Which of our folders each layer may use (DESIGN.md, "Which part may use which"). */
const rules: { from: string; allowed: string[]; why: string; types?: 'checked' }[] = [
  { from: 'src/db', allowed: ['src/db', 'src/errors.ts', 'src/paths.ts', 'src/migration-files.ts', 'src/node-fs.ts'], why: 'src/db uses nothing of ours but types', types: 'checked' },
  {
    from: 'src/layout',
    allowed: ['src/layout', 'src/catalog/chip.ts', 'src/errors.ts'],
    why: 'layout imports nothing of the drivers, not even their types',
    types: 'checked',
  },
  {
    from: 'src/images',
    allowed: ['src/images', 'src/errors.ts'],
    why: 'image readers import nothing of the drivers, not even their types',
    types: 'checked',
  },
  {
    from: 'src/programmers',
    allowed: ['src/programmers', 'src/images', 'src/layout', 'src/catalog/chip.ts', 'src/errors.ts'],
    why: 'drivers see images, layout and the driver interface, never the database or the CLI',
  },
  {
    from: 'src/scheduler',
    allowed: ['src/scheduler', 'src/fanout', 'src/db', 'src/layout', 'src/images', 'src/programmers/driver.ts', 'src/programmers/site-result.ts', 'src/catalog', 'src/lots', 'src/jobs', 'src/errors.ts', 'src/inventory', 'src/serials', 'src/store', 'src/mes/outbox-writer.ts', 'src/mes/messages.ts', 'src/mes/run-publisher.ts', 'src/farm', 'src/host', 'src/paths.ts', 'src/stats/yield-of.ts'],
    why: 'the scheduler (the lot run as a service) knows the driver interface only, and never the CLI',
  },
  { from: 'src/mes', allowed: ['src/mes', 'src/store', 'src/db', 'src/errors.ts'], why: 'MES messages and their publisher use the outbox store, nothing of the scheduler or the CLI' },
  { from: 'src/store', allowed: ['src/store', 'src/db', 'src/records'], why: 'the store holds the SQL and uses only the database handle and the shared record shapes' },
  { from: 'src/records', allowed: ['src/records'], why: 'the record shapes both stores share (what a station uploads, a trace\'s rows) import nothing', types: 'checked' },
  { from: 'src/serials', allowed: ['src/serials', 'src/store', 'src/db', 'src/images', 'src/errors.ts'], why: 'serial rules and their ledger read images formats and the store, nothing above them' },
  { from: 'src/hub', allowed: ['src/hub', 'src/records', 'src/errors.ts', 'src/paths.ts', 'src/migration-files.ts'], why: 'the hub (PostgreSQL engine and its store) uses nothing of the station but the shared record shapes' },
  { from: 'src/station', allowed: ['src/station', 'src/hub', 'src/store', 'src/records', 'src/db', 'src/errors.ts'], why: 'a station\'s hub link joins the journal\'s store and the hub, and is handed to the scheduler as its work supply' },
  { from: 'workers', allowed: ['workers', 'src/fanout', 'src/programmers', 'src/images', 'src/layout', 'src/catalog/chip.ts', 'src/errors.ts'], why: 'worker threads use the ring, the drivers and images, never the database' },
  { from: 'src/fanout', allowed: ['src/fanout', 'src/images', 'src/programmers', 'src/catalog/chip.ts', 'src/errors.ts', 'src/layout'], why: 'the fan-out and its worker threads never touch the database' },
];

describe('architecture', () => {
  for (const rule of rules) {
    it(`${rule.from} imports only what it may (${rule.why})`, () => {
      const bad: string[] = [];
      for (const f of files(rule.from)) {
        for (const imp of imports(f)) {
          if (imp.typeOnly && rule.types !== 'checked') continue;
          if (!rule.allowed.some((a) => under(imp.target, a))) bad.push(`${f} -> ${imp.target}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('no folder imports a folder that imports it back (value and type imports; the cycle is printed)', () => {
    expect(describeCycles(folderGraph())).toEqual([]);
  });

  it('the cycle check names a folder cycle and the imports that make it', () => {
    const graph: Graph = new Map();
    addEdge(graph, 'src/layout', 'src/programmers', 'src/layout/fit.ts -> src/programmers/driver.ts');
    addEdge(graph, 'src/programmers', 'src/images', 'src/programmers/cycle.ts -> src/images/extent.ts');
    addEdge(graph, 'src/images', 'src/layout', 'src/images/open.ts -> src/layout/fit.ts');
    addEdge(graph, 'src/cli', 'src/layout', 'src/cli/main.ts -> src/layout/index.ts');
    expect(describeCycles(graph)).toEqual([
      'src/images -> src/layout -> src/programmers -> src/images\n' +
        '  src/images -> src/layout: src/images/open.ts -> src/layout/fit.ts\n' +
        '  src/layout -> src/programmers: src/layout/fit.ts -> src/programmers/driver.ts\n' +
        '  src/programmers -> src/images: src/programmers/cycle.ts -> src/images/extent.ts',
    ]);
    graph.get('src/images')!.delete('src/layout');
    expect(describeCycles(graph)).toEqual([]);
  });

  it('one driver never imports another driver (the common part of USB boards and the emulation are shared, not drivers)', () => {
    const drivers = fs.readdirSync(path.join(root, 'src/programmers'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/programmers/${d.name}`);
    const shared = new Set(['src/programmers/usb-board', emulation]);
    const bad: string[] = [];
    for (const d of drivers.filter((x) => x !== emulation)) {
      for (const f of files(d)) {
        for (const imp of imports(f)) {
          const other = drivers.find((o) => o !== d && !shared.has(o) && under(imp.target, o));
          if (other) bad.push(`${f} -> ${imp.target}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('the emulation uses a driver only through its wire protocol (protocol.ts), and only the factories (index.ts, board-options.ts) pick an emulated board', () => {
    const bad: string[] = [];
    for (const f of files(emulation)) {
      for (const imp of imports(f)) {
        const driver = /^src\/programmers\/([^/]+)\//.exec(imp.target)?.[1];
        if (!driver || ['usb-board', 'emulation'].includes(driver)) continue;
        if (imp.target !== `src/programmers/${driver}/protocol.ts`) bad.push(`${f} -> ${imp.target}`);
      }
    }
    for (const f of files('src/programmers').filter((x) => !under(x, emulation) && !factories.test(x))) {
      for (const imp of imports(f)) if (under(imp.target, emulation)) bad.push(`${f} -> ${imp.target}`);
    }
    expect(bad).toEqual([]);
  });

  it('SQL lives in the store: nothing outside src/store and the engine layer src/db prepares, executes or opens a transaction', () => {
    // A statement with SQL text (`.prepare('…')`, `.exec('…')`) or a database call on a connection (`db.prepare(…)`,
    // `db.transaction(…)`, `db.exec(…)`, `new Database(…)`); drivers' own `prepare()` stage methods are not SQL.
    const sql = /\.(prepare|exec)\(\s*[`'"]|\b(db|raw|conn|database)\s*\.\s*(prepare|exec|transaction|pragma)\s*\(|new\s+Database\s*\(/;
    const bad: string[] = [];
    for (const f of [...files('src'), ...files('workers')]) {
      if (under(f, 'src/store') || under(f, 'src/db')) continue;
      fs.readFileSync(path.join(root, f), 'utf8').split('\n').forEach((line, i) => {
        if (sql.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('pg is imported only by the hub connection, and hub SQL runs only in src/hub/store and the hub migrations', () => {
    const all = files('src');
    const pgUsers = all.filter((f) => /from\s+['"]pg['"]/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(pgUsers).toEqual(['src/hub/connection.ts']);
    const sqlRunners = all.filter((f) => !under(f, 'src/hub/store') && f !== 'src/hub/connection.ts' && f !== 'src/hub/migrations.ts')
      .filter((f) => /\.query\s*(<[^>]*>)?\s*\(/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(sqlRunners).toEqual([]);
  });

  it('the chunk ring (src/fanout) knows nothing of the worker pool (src/fanout/pool) that uses it', () => {
    const ring = files('src/fanout').filter((f) => !under(f, 'src/fanout/pool'));
    const bad = ring.flatMap((f) => imports(f).filter((i) => under(i.target, 'src/fanout/pool')).map((i) => `${f} -> ${i.target}`));
    expect(ring.length).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('piscina is used only by the worker pool (src/fanout/pool), and the chunk ring starts no thread', () => {
    const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
    expect(files('src').filter((f) => !under(f, 'src/fanout/pool') && /from\s+['"]piscina['"]/.test(read(f)))).toEqual([]);
    expect(files('src/fanout').filter((f) => !under(f, 'src/fanout/pool') && /from\s+['"]node:worker_threads['"]/.test(read(f)))).toEqual([]);
  });

  it('better-sqlite3 is imported only on the main-thread side', () => {
    const offenders = [...files('src/programmers'), ...files('src/fanout'), ...files('workers')].filter((f) =>
      /from\s+['"]better-sqlite3['"]/.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('yield is computed only in src/stats (every other place calls yieldOf)', () => {
    // A division of passed (or first-pass) counts, a division by passed + failed, or a share of two sums on a line
    // that names a yield: each is a second definition of yield.
    const arithmetic = [
      /\b(passed|firstPass\w*)\s*\)?\s*\/(?![/*])/,
      /\b(passed|firstPass\w*)\s*\?\?\s*\w+\s*\)\s*\/(?![/*])/,
      /\/\s*\(?\s*[\w.]*\b(passed|failed)\b\s*\+/,
      /\/\s*Math\.max\(\s*1\s*,\s*[\w.]*(passed|done)/,
    ];
    const shareOnYieldLine = /\/\s*\(\s*[\w.]+\s*\+\s*[\w.]+\s*\)/;
    const bad: string[] = [];
    for (const f of files('src').filter((f) => !under(f, 'src/stats'))) {
      fs.readFileSync(path.join(root, f), 'utf8').split('\n').forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
        if (arithmetic.some((re) => re.test(code)) || (/yield/i.test(code) && shareOnYieldLine.test(code))) bad.push(`${f}:${i + 1}: ${code.slice(0, 120)}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('the modules every command loads take node:fs without its ES module facade (building it costs each start ~5 ms)', () => {
    // From the CLI's entry, the help index and `chips`, through the static value imports every start evaluates.
    const seen = new Set<string>();
    const todo = ['src/cli/main.ts', 'src/cli/command-index.ts', 'src/cli/commands/chips.ts'];
    const bad: string[] = [];
    while (todo.length > 0) {
      const f = todo.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      for (const m of text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (m[1].startsWith('.')) todo.push(path.normalize(path.join(path.dirname(f), m[1])).replace(/\.js$/, '.ts'));
        else if (/^node:fs(\/promises)?$/.test(m[1])) bad.push(`${f}: import … from '${m[1]}' (use src/node-fs.ts)`);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
