// Preloaded (`node --require`) into a process bench/scale.ts measures: at exit, writes the process's peak RSS in KiB
// (getrusage's maxrss: the whole process, main thread and workers) to the file named by GANGFLASH_BENCH_PEAK_RSS.
const fs = require('node:fs');

const file = process.env.GANGFLASH_BENCH_PEAK_RSS;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
