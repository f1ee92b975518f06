// Preloaded (`node --require`) into a process bench/scale.ts measures: at exit, writes the process's peak RSS in KiB
// to the file named by GANGFLASH_BENCH_PEAK_RSS: VmHWM (the whole process, main thread and workers). Not getrusage's
// maxrss: Linux keeps that across fork and exec, so a child would report its parent's peak when that was higher.
const fs = require('node:fs');

const file = process.env.GANGFLASH_BENCH_PEAK_RSS;
if (file) {
  process.on('exit', () => {
    const hwm = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (!hwm) throw new Error('no VmHWM in /proc/self/status: bench:scale measures peak RSS on Linux only');
    fs.writeFileSync(file, hwm[1]);
  });
}
