#!/usr/bin/env node
// Entry point: refuses an unsupported Node.js before anything native loads, then runs the compiled CLI
// (npm install builds dist/ through the prepare script). Only node: built-ins may be imported above the check.
import { existsSync } from 'node:fs';

/** The oldest Node.js gangflash runs on: the 22 LTS line from 22.12 (commander 15 and vitest 5 need it), and 24. */
const MIN = [22, 12];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  process.stderr.write(`gangflash needs Node.js ${MIN.join('.')} or newer (the 22 or 24 LTS line); this is ${process.versions.node}\n`);
  process.exit(1);
}
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('gangflash: dist/ is missing; run `npm install` (or `npm run build`) in the gangflash folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
