/** Entry point of dist/cli.js (the `netpol` bin). */
import { run } from './run';

run(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`netpol: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
