/**
 * `npm run try`: starts code-server with the extension, prints a URL that answers, and stops
 * code-server when interrupted (Ctrl+C). Installs code-server on first use, like the editor
 * tests; left out by NETPOL_SKIP_E2E=1. Needs the bundles in dist/ (npm test builds first).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../helpers';

const skip = process.env.NETPOL_SKIP_E2E === '1' ? 'NETPOL_SKIP_E2E=1' : false;

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('npm run try', { skip }, () => {
  let script: ChildProcess | undefined;

  after(() => {
    // Whatever happened, nothing it started outlives the test.
    try {
      if (script?.pid && script.exitCode === null) process.kill(-script.pid, 'SIGINT');
    } catch {
      /* already gone */
    }
  });

  it('prints the URL of a running code-server, and stops it on Ctrl+C', { timeout: 300_000 }, async () => {
    // The script itself (npm run try also builds, which npm test has just done).
    const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'try.ts')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    script = child;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /NetPol Studio in VS Code: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`npm run try exited (${code}) before printing a URL:\n${output}`)));
    });
    assert.match(url, /\?folder=.*ws$/);
    assert.ok(await answers(url), `${url} does not answer`);
    const origin = new URL(url).origin;
    const workbench = await (await fetch(url)).text();
    assert.match(workbench, /<html/i);

    // Ctrl+C in a terminal signals the script's whole process group.
    process.kill(-(child.pid as number), 'SIGINT');
    assert.equal(await exited, 0);
    assert.ok(!(await answers(`${origin}/healthz`)), 'code-server still answers after Ctrl+C');
    assert.match(output, /code-server stopped/);
  });
});
