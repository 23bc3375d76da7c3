/**
 * Regression tests: files that are not files. A FIFO named x.yaml blocked
 * `netpol` (and the server) forever; a link to /dev/zero made the server read
 * until it aborted. Only regular files are read, with a size check first. The
 * CLI runs as a process (dist/cli.js) with a timeout, so a regression fails
 * instead of hanging the test run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LIMITS } from '../../server/src/common/limits';
import { readSourceFile } from '../../server/src/yaml/discover';
import { ROOT } from '../helpers';
import { TestClient } from '../lsp/client';
import { canaryPod } from './hostile-inputs';

const posix = process.platform !== 'win32';

function netpol(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.error, undefined, `netpol ${args.join(' ')} did not finish: ${r.error?.message}`);
  return r;
}

describe('reliability: files that are not regular files', { skip: !posix }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-hostile-'));
    writeFileSync(join(dir, 'canary.yaml'), canaryPod());
    assert.equal(spawnSync('mkfifo', [join(dir, 'x.yaml')]).status, 0, 'mkfifo');
    symlinkSync('/dev/zero', join(dir, 'z.yaml'));
    writeFileSync(join(dir, 'big.yaml'), '');
    truncateSync(join(dir, 'big.yaml'), LIMITS.fileBytes + 1);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('netpol lint given a FIFO or a link to /dev/zero says it is not a regular file, instead of blocking', () => {
    for (const [name, what] of [
      ['x.yaml', 'a FIFO'],
      ['z.yaml', 'a character device'],
    ]) {
      const r = netpol(['lint', name], dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${name}: not a regular file \\(${what}\\)`));
    }
  });

  it('netpol lint of the folder skips them and lints the rest; a file over the limit is reported, not read', () => {
    const r = netpol(['lint', '.', '--format', 'json'], dir);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { rule: string; file: string }[] };
    assert.deepEqual(
      out.findings.filter((f) => f.rule === 'limit-exceeded').map((f) => f.file),
      ['big.yaml'],
    );
  });

  it('readSourceFile refuses what is not a regular file without opening it for a blocking read', () => {
    assert.throws(() => readSourceFile(join(dir, 'x.yaml')), /not a regular file \(a FIFO\)/);
    assert.throws(() => readSourceFile(join(dir, 'z.yaml')), /not a regular file \(a character device\)/);
    const big = readSourceFile(join(dir, 'big.yaml'));
    assert.equal(big.text, '');
    assert.equal(big.unreadBytes, LIMITS.fileBytes + 1);
  });

  it('the language server keeps answering when a FIFO and a link to /dev/zero are announced as changed', {
    timeout: 60_000,
  }, async () => {
    const client = new TestClient();
    try {
      await client.initialize(dir);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: ['x.yaml', 'z.yaml'].map((n) => ({ uri: pathToFileURL(join(dir, n)).toString(), type: 2 })),
      });
      const uri = pathToFileURL(join(dir, 'canary.yaml')).toString();
      await client.open(uri, `${canaryPod()}---\nkind: [\n`);
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'yaml-syntax'), 30_000);
    } finally {
      await client.stop();
    }
  });
});
