/** Entry point of dist/cli.js (the `netpol` bin). */
import { streamWriter } from './output-stream';
import { run } from './run';

// `netpol matrix … | head`: the reader went away, so stop quietly, as other commands do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

run(process.argv.slice(2), {
  cwd: process.cwd(),
  out: streamWriter(process.stdout),
  err: (t) => process.stderr.write(t),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`netpol: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
