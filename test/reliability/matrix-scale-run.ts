/**
 * `npm run fuzz -- --matrix-scale [--namespaces N]`: the matrix of a generated 10,000-pod cluster
 * (bench/generate.ts, 333 namespaces x 5 Deployments x 6 replicas, 2,331 policies; see
 * scale-workspace.ts) through the built `netpol`, in text (by workload, the default above 2,000
 * pods), text per pod for one port, and JSON per pod for one port (the DESIGN.md contract, about
 * 575 MB), each written to a reader that counts bytes and checks the JSON's shape as it streams.
 * Prints wall time, bytes and the CLI's peak RSS. Too slow for `npm test` (the analysis of 10,000
 * pods alone takes longer than a unit test may), so it lives here; docs/reliability.md records runs.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers';
import { scaleWorkspace } from './scale-workspace';

interface Outcome {
  readonly code: number | null;
  readonly seconds: number;
  readonly bytes: number;
  readonly lines: number;
  readonly peakRssMb: number;
  readonly stderr: string;
}

/** Loaded into the CLI with --require: reports the process's peak RSS on stderr as it exits. */
const RSS_PRELOAD = join(tmpdir(), 'netpol-rss-preload.cjs');

function runCli(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--require', RSS_PRELOAD, join(ROOT, 'dist/cli.js'), ...args]);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (const b of d) if (b === 10) lines++;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const rss = /netpol-peak-rss-kb (\d+)/.exec(stderr);
      resolve({
        code,
        seconds: (Date.now() - started) / 1000,
        bytes,
        lines,
        peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : -1,
        stderr: stderr.replace(/netpol-peak-rss-kb \d+\n?/, ''),
      });
    });
  });
}

export async function matrixScaleRun(namespaces: number): Promise<number> {
  writeFileSync(
    RSS_PRELOAD,
    "process.on('exit', () => process.stderr.write(`netpol-peak-rss-kb ${process.resourceUsage().maxRSS}\\n`));\n",
  );
  const dir = scaleWorkspace(namespaces, 6);
  const pods = namespaces * 5 * 6 + 1;
  let failures = 0;
  try {
    for (const args of [
      ['matrix', dir],
      ['matrix', dir, '--port', '8080', '--group', 'pods'],
      ['matrix', dir, '--port', '8080', '--format', 'json'],
    ]) {
      const r = await runCli(args);
      const shown = args.slice(2).join(' ') || '(defaults)';
      // Text by workload: a row per workload; per pod: a row per pod; JSON: a line per row plus 7.
      const rowsOk = args.includes('json')
        ? r.lines === pods + 7
        : r.lines > (args.includes('pods') ? pods : namespaces * 5);
      const ok = r.code === 0 && r.stderr === '' && rowsOk;
      if (!ok) failures++;
      console.log(
        `matrix ${shown} on ${pods.toLocaleString('en-US')} pods: ${ok ? 'ok' : 'FAILED'}, exit ${r.code}, ${r.seconds.toFixed(1)} s, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.lines.toLocaleString('en-US')} lines, peak RSS ${r.peakRssMb} MB${r.stderr ? `, stderr: ${r.stderr.slice(0, 300)}` : ''}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures ? 1 : 0;
}
