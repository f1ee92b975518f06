import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JobError } from '../errors.js';
import { parseDat, type DatAnswer } from './dat-file.js';
import type { GeneratorSpec } from './spec.js';

/** Largest .dat file read from a generator. */
const MAX_DAT_BYTES = 1024 * 1024;

/**
 * Calls a customer's serial generator once for the serial number `current`, as PG4UW's custom-generator mode does:
 * `program [args…] -N<current> [-E<last>]` in `workDir`, which then holds the .dat file it wrote (its path is also in
 * $GANGFLASH_SERIAL_DAT). The answer's T01 must echo `current`; the file is removed after it is read.
 */
export async function callGenerator(spec: GeneratorSpec, current: string, workDir: string): Promise<DatAnswer> {
  const dat = path.join(workDir, spec.dat);
  fs.rmSync(dat, { force: true });
  const args = [...spec.args, `-N${current}`, ...(spec.last === undefined ? [] : [`-E${spec.last}`])];
  await new Promise<void>((resolve, reject) => {
    execFile(
      spec.program,
      args,
      { cwd: workDir, timeout: spec.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, env: { ...process.env, GANGFLASH_SERIAL_DAT: dat } },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string };
        const why =
          e.code === 'ENOENT' ? 'the program was not found; check the path in the rule'
          : e.code === 'EACCES' ? 'the program is not executable (chmod +x)'
          : e.killed ? `it ran longer than ${spec.timeoutMs} ms and was stopped`
          : `it exited with ${e.code ?? e.signal}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-1)[0].slice(0, 200)}` : ''}`;
        reject(new JobError('serial-generator-failed', `serial generator ${spec.program} -N${current} failed: ${why}; nothing was issued`));
      },
    );
  });
  let st: fs.Stats;
  try {
    st = fs.statSync(dat);
  } catch {
    throw new JobError('serial-generator-output', `serial generator ${spec.program} -N${current} exited 0 but wrote no ${spec.dat} in its working folder`, { file: dat });
  }
  if (!st.isFile() || st.size > MAX_DAT_BYTES) throw new JobError('serial-generator-output', `${spec.dat} is not a regular file of at most ${MAX_DAT_BYTES} bytes`, { file: dat });
  const answer = await parseDat(fs.readFileSync(dat, 'latin1'), dat);
  fs.rmSync(dat, { force: true });
  if (answer.current !== current) {
    throw new JobError('serial-generator-output', `the generator answered T01:${answer.current} for -N${current}; T01 must repeat the current serial number`, { file: dat });
  }
  if (answer.next === current) throw new JobError('serial-generator-output', `the generator's next serial number (T02) equals the current one (${current}); it would repeat a value`, { file: dat });
  return answer;
}
