/**
 * `npm run package`: the .vsix holds what a user needs (bundles, grammar, the matrix webview's
 * files, the rule pages read at runtime, README, CHANGELOG, LICENSE, icon) and no dev files.
 * Needs the bundles in dist/ (npm test builds first).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RULE_IDS } from '../../server/src/common/rule-registry';
import { packageVsix } from '../e2e/code-server';
import { ROOT } from '../helpers';

/** The entry names of a zip file, read from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_FILE_HEADER = 0x02014b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
  assert.ok(end >= 0, 'not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), CENTRAL_FILE_HEADER, `zip entry ${i} is not a central file header`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('npm run package: the .vsix', () => {
  let dir: string;
  let entries: string[];
  let files: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-vsix-'));
    const vsix = join(dir, 'netpol-studio.vsix');
    packageVsix(vsix);
    entries = zipEntries(readFileSync(vsix));
    files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the bundles, the grammar, the webview files, README, CHANGELOG, LICENSE and the icon', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const needed of [
      'package.json',
      'readme.md',
      'changelog.md',
      'LICENSE.txt',
      pkg.icon,
      pkg.main.replace(/^\.\//, ''),
      'dist/server.js',
      'dist/server-worker.js',
      pkg.bin.netpol,
      ...pkg.contributes.grammars.map((g: { path: string }) => g.path.replace(/^\.\//, '')),
      'media/matrix-view.js',
      'media/matrix-view.css',
    ])
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix: ${files.join(', ')}`);
    assert.ok(entries.includes('extension.vsixmanifest'));
  });

  it('holds a page for every rule, read at runtime', () => {
    assert.ok(RULE_IDS.length > 10);
    for (const id of RULE_IDS) assert.ok(files.includes(`docs/rules/${id}.md`), `docs/rules/${id}.md is missing`);
  });

  it('holds no sources, tests, examples, benchmarks, source maps or build metadata', () => {
    const devFile =
      /^(server|client|test|bench|examples|scripts|node_modules|\.e2e|\.ci|\.git)\/|\.map$|\.ts$|metafile|^(tsconfig|biome|package-lock)\.json$|^ARCHITECTURE\.md$/;
    const leaked = files.filter((f) => devFile.test(f));
    assert.deepEqual(leaked, []);
    // Everything else is in the known, shipped folders.
    const unexpected = files.filter(
      (f) =>
        !/^(dist\/(extension|server|server-worker|cli)\.js|syntaxes\/[^/]+\.json|media\/[^/]+|docs\/rules\/[^/]+\.md|images\/icon\.png|package\.json|readme\.md|changelog\.md|LICENSE\.txt)$/.test(
          f,
        ),
    );
    assert.deepEqual(unexpected, []);
  });
});
