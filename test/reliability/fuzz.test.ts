/**
 * The short seeded fuzz run of `npm test` (the long one is `npm run fuzz --
 * --cases N`; docs/reliability.md records one): 30 mutated manifests (text,
 * invalid UTF-8, binary files; on disk and opened in the editor) through the
 * whole pipeline, in a watched worker process, with the oracles of
 * fuzz-cases.ts and fuzz-oracle.ts (the language server's diagnostics equal
 * `netpol lint --format json`). Plus the oracle's own check: it does catch a failure.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers';
import { mutate, prng, runCase, seedCorpus } from './fuzz-cases';

describe('reliability: fuzzing', () => {
  it('30 seeded mutations of the conformance cases, examples, Helm templates and kustomize patches: no throw, no internal failure, the canary analysed, server = CLI, no hang', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test', 'reliability', 'fuzz-run.ts'),
        '--cases',
        '30',
        '--seed',
        '7',
        '--budget',
        '30',
      ],
      { encoding: 'utf8', timeout: 300_000, cwd: ROOT },
    );
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /fuzz: 30 cases \(seed 7, from 0\), 0 failures/);
  });

  it('the mutations are reproducible and actually change the input', () => {
    const corpus = seedCorpus();
    assert.ok(corpus.length > 20, `${corpus.length} seed files`);
    const a = mutate(corpus[0], prng(3));
    assert.equal(mutate(corpus[0], prng(3)), a);
    assert.notEqual(a, corpus[0]);
  });

  it('the oracle fails a case where the canary is not analysed', () => {
    assert.deepEqual(
      runCase('apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: c, image: x}]}\n'),
      { ok: true },
    );
    const bad = runCase(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: canary, namespace: canary}\nspec: {nodeName: [}\n---\n',
    );
    assert.equal(typeof bad.ok, 'boolean');
  });
});
