/**
 * Regression tests for the hangs and memory blow-ups of the reliability issue
 * (YAML stage). Each input used to take from seconds to minutes, or gigabytes;
 * the `timeout`s are hang guards far above the time the fixed code needs, not
 * speed assertions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../server/src/common/limits';
import { SourceFile } from '../../server/src/common/source';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { DocContext } from '../../server/src/yaml/yaml-reader';
import { FindingSink } from '../../server/src/common/finding-sink';
import { spanned, where } from '../helpers';
import {
  aliasBombPolicy,
  billionLaughsConfigMap,
  canaryPod,
  manyAliasesConfigMap,
  manyKeysConfigMap,
} from './hostile-inputs';

const HANG_GUARD = { timeout: 60_000 };
const parse = (text: string, path = 'f.yaml') => parseFile(new SourceFile(path, text));
const lintFiles = (files: Record<string, string>) =>
  lint(analyzeSources(Object.entries(files).map(([path, text]) => new SourceFile(path, text))));

describe('reliability: hangs and memory in the YAML stage', () => {
  it(
    'an alias bomb in a NetworkPolicy is one limit-exceeded finding at the alias that passes the limit; the rest is analysed',
    HANG_GUARD,
    () => {
      const bomb = aliasBombPolicy();
      assert.ok(bomb.length < 25_000, `${bomb.length} bytes`);
      const a = analyzeSources([new SourceFile('bomb.yaml', bomb), new SourceFile('canary.yaml', canaryPod())]);
      const findings = lint(a);
      const limit = findings.filter((f) => f.rule === 'limit-exceeded');
      assert.equal(limit.length, 1, findings.map(where).join('\n'));
      assert.equal(spanned(limit[0]), '*peers');
      assert.match(limit[0].message, /aliases .* expand to more than 100,000 nodes/);
      assert.equal(a.cluster.networkPolicies.length, 0, 'the bomb is not read as a policy');
      assert.ok(a.engine.indexOf('canary/canary') !== undefined, 'the other file is analysed');
    },
  );

  it('a billion-laughs ConfigMap is stopped the same way', HANG_GUARD, () => {
    const p = parse(billionLaughsConfigMap());
    assert.deepEqual(
      p.findings.map((f) => f.rule),
      ['limit-exceeded'],
    );
    assert.equal(p.documents[0].usable, false);
  });

  it('20,000 aliases resolve in one pass, to the anchored value', HANG_GUARD, () => {
    const p = parse(manyAliasesConfigMap(20_000));
    assert.deepEqual(p.findings, []);
    const ctx = new DocContext(p.file, p.documents[0].doc, new FindingSink());
    const data = ctx.root()!.stringMap('data')!.value;
    assert.equal(Object.keys(data).length, 20_000);
    assert.equal(data.k19999, 'shared value');
  });

  it('aliases refer to the nearest anchor before them, and a self-referencing alias is an error', () => {
    const p = parse('a: &x 1\nb: *x\nc: &x 2\nd: *x\n');
    const ctx = new DocContext(p.file, p.documents[0].doc, new FindingSink());
    const root = ctx.root()!;
    assert.deepEqual([root.int('b')?.value, root.int('d')?.value], [1, 2]);
    const loop = parse('a: &x [1, *x]\n');
    assert.equal(loop.documents[0].usable, false);
    assert.equal(loop.findings[0].rule, 'yaml-syntax');
    assert.equal(spanned(loop.findings[0]), '*x');
  });

  it('a map of 100,000 keys stops at the keys-per-map limit, at the first key over it', HANG_GUARD, () => {
    // Just over the limit: the quadratic duplicate check made 100,000 keys take minutes; this is the same path.
    const p = parse(manyKeysConfigMap(LIMITS.keysPerMap + 10));
    assert.equal(p.findings.length, 1);
    assert.equal(p.findings[0].rule, 'limit-exceeded');
    assert.equal(spanned(p.findings[0]), `key${LIMITS.keysPerMap}`);
    assert.equal(p.documents[0].usable, false);
  });

  it('duplicate keys are found with a set, at the repeated key, also in a large map', HANG_GUARD, () => {
    const text = `${manyKeysConfigMap(9_000)}  key17: again\n`;
    const p = parse(text);
    assert.deepEqual(p.findings.map(where), ['yaml-syntax@9005:3']);
    assert.match(p.findings[0].message, /unique.*key17/);
    assert.equal(p.documents[0].usable, false);
    // Same value, different types: not duplicates (YAML compares values).
    assert.deepEqual(parse('1: a\n"1": b\n').findings, []);
  });

  it('a net-conf.json over the size limit is reported and never parsed by the network stage', HANG_GUARD, () => {
    const big = `{"Network": "10.0.0.0/8", "Backend": {"Type": "vxlan"}${' '.repeat(LIMITS.fileBytes)}}`;
    const a = analyzeSources([new SourceFile('net-conf.json', big), new SourceFile('canary.yaml', canaryPod())]);
    const findings = lint(a);
    assert.deepEqual(findings.filter((f) => f.rule === 'limit-exceeded').map(where), ['limit-exceeded@1:1']);
    assert.equal(a.addressing.config.origin === 'file', false, 'the file was not used');
    assert.equal(findings.filter((f) => f.rule.startsWith('flannel-config')).length, 0);
  });

  it('a file that was too large to read is reported with its size on disk', () => {
    const p = parseFile(new SourceFile('huge.yaml', '', undefined, 50 * 1024 * 1024));
    assert.equal(p.findings[0].rule, 'limit-exceeded');
    assert.match(p.findings[0].message, /50\.0 MB; files over 8 MB are not analysed/);
  });

  it(
    'nesting deeper than the limit is reported at the character, blocks and flows alike, and the next document is read',
    HANG_GUARD,
    () => {
      const cases = [
        `k: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
        `${Array.from({ length: 3000 }, () => '- ').join('')}a\n`,
        Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
      ];
      for (const deep of cases) {
        const p = parse(`${deep}\n---\n${canaryPod()}`);
        assert.deepEqual(
          p.findings.map((f) => f.rule),
          ['limit-exceeded'],
          deep.slice(0, 40),
        );
        assert.match(p.findings[0].message, /nests deeper than 100 levels/);
        assert.ok(p.findings[0].span.start < deep.length);
        assert.deepEqual(
          p.documents.map((d) => d.usable),
          [false, true],
        );
      }
      // 99 levels are fine.
      assert.deepEqual(parse(`k: ${'['.repeat(90)}${']'.repeat(90)}\n`).findings, []);
      // Brackets inside quoted strings and comments do not count.
      assert.deepEqual(parse(`k: "${'['.repeat(500)}"\nj: '${'{'.repeat(500)}' # ${'['.repeat(500)}\n`).findings, []);
    },
  );

  it('documents past the per-file limit are reported once and not analysed', HANG_GUARD, () => {
    const text = 'a: 1\n---\n'.repeat(LIMITS.documentsPerFile + 5);
    const p = parse(text);
    assert.deepEqual(
      p.findings.map((f) => f.rule),
      ['limit-exceeded'],
    );
    assert.equal(p.documents.length, LIMITS.documentsPerFile);
    assert.equal(spanned(p.findings[0]), '---');
  });

  it(
    'keeps one bad file from hiding the others: the lint of several hostile files still reports the canary',
    HANG_GUARD,
    () => {
      const findings = lintFiles({
        'bomb.yaml': aliasBombPolicy(),
        'laughs.yaml': billionLaughsConfigMap(),
        'canary.yaml': `${canaryPod()}---\nkind: [\n`,
      });
      assert.ok(findings.some((f) => f.rule === 'yaml-syntax' && f.span.file.path === 'canary.yaml'));
    },
  );
});
