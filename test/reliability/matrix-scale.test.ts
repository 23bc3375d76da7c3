/**
 * Output at scale (performance issue, item 4): the matrix of a 1,000-pod, 200-policy cluster in
 * text and JSON, through the built `netpol` reading its output slowly, so stdout's backpressure is
 * real. The text matrix used to die with "Maximum call stack size exceeded" (every partly allowed
 * pair pushed as one argument list); the 10,000-pod run is in `npm run fuzz -- --matrix-scale`
 * (too slow for the suite).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../helpers';
import { scaleWorkspace } from './scale-workspace';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Runs the built CLI, reading its stdout in small slow steps (so the CLI must wait for the reader). */
function slowCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args]);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString(), stderr }));
  });
}

describe('reliability: matrix output at 1,000 pods and 200 policies', () => {
  // 34 namespaces x 5 Deployments x 6 replicas + Prometheus = 1,021 pods; 7 policies per namespace = 238.
  const dir = scaleWorkspace(34, 6);
  made.push(dir);
  const pods = 34 * 5 * 6 + 1;

  it('the text matrix on the declared ports completes (it overflowed the call stack)', async () => {
    const r = await slowCli(['matrix', dir]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    const rows = lines.filter((l) => /^ *\d+ team-|^ *\d+ monitoring/.test(l));
    assert.equal(rows.length, pods);
    assert.match(r.stdout, /Note: this table is [\d,]+ characters wide, wider than the terminal \(200 columns\)/);
    // Every pod reaches the 408 frontend and api pods on http only: 400,000-odd partly allowed pairs.
    const more = /… and ([\d,]+) more pairs \(--format json lists the ports of every pair\)/.exec(r.stdout);
    assert.ok(more, 'the partly allowed pairs are counted');
    assert.ok(Number(more[1].replace(/,/g, '')) > 400_000, more[1]);
    assert.equal(lines.filter((l) => /^ {2}\S+ -> \S+: allowed /.test(l)).length, 100);
  });

  it('the JSON matrix for one port stays valid JSON when streamed to a slow reader', async () => {
    const r = await slowCli(['matrix', dir, '--port', '8080', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.equal(m.endpoints.length, pods);
    assert.equal(m.allowed.length, pods);
    assert.ok(m.allowed.every((row: boolean[]) => row.length === pods && row.every((x) => typeof x === 'boolean')));
    const frontend = m.endpoints.indexOf('team-0/frontend-0');
    assert.equal(m.allowed[m.endpoints.indexOf('team-3/db-1')][frontend], true);
  });
});
