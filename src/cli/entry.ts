// Runs the CLI from source (tests and benchmarks: `node --import tsx src/cli/entry.ts …`).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
