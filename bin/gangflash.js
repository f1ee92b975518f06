#!/usr/bin/env node
// Entry point: refuses an unsupported Node.js before anything native loads, then runs the compiled CLI
// (npm install builds dist/ through the prepare script). Nothing but the built-in process may be used above the check.

/** The oldest Node.js gangflash runs on: the 22 LTS line from 22.12 (vitest 5 needs it), and 24. */
const MIN = [22, 12];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  process.stderr.write(`gangflash needs Node.js ${MIN.join('.')} or newer (the 22 or 24 LTS line); this is ${process.versions.node}\n`);
  process.exit(1);
}
// Built-ins taken with process.getBuiltinModule, not imported: the ES module facade of node:fs loads fs/promises
// (~5 ms of every start). Below the version check, since an older Node.js has no getBuiltinModule.
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');
const module = process.getBuiltinModule('node:module');
const args = process.argv.slice(2);
// `gangflash --version` alone: the version from package.json, as the CLI prints it, without loading the CLI.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('gangflash: dist/ is missing; run `npm install` (or `npm run build`) in the gangflash folder first\n');
  process.exit(2);
}
// Node's on-disk cache of compiled modules (in the OS temp folder unless NODE_COMPILE_CACHE names one; the
// NODE_DISABLE_COMPILE_CACHE variable turns it off): later starts skip compiling gangflash and its dependencies.
// Named in the environment too, so the programmers' worker threads use it as well.
const cache = module.enableCompileCache?.();
if (cache?.directory && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = cache.directory;
const { main } = await import(entry.href);
process.exitCode = await main(args);
