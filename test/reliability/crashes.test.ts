/**
 * Regression tests for the crashes of the reliability issue: a Calico selector
 * nested 1,500 parentheses deep made every command exit 2 with "Maximum call
 * stack size exceeded" (and silenced the whole workspace in the server); an
 * internal failure on one object stopped the whole analysis; `netpol matrix`
 * with no pods crashed on the width of no rows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LIMITS } from '../../server/src/common/limits';
import { SourceFile } from '../../server/src/common/source';
import { analyze, analyzeSources } from '../../server/src/engine/analysis';
import { buildCluster } from '../../server/src/model/build';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { namespace, policy } from '../manifests';
import { lint } from '../../server/src/lint';
import { KIND_READERS } from '../../server/src/model/kinds';
import { parseSelector } from '../../server/src/policy/selector/calico-selector';
import { canReach, cli, spanned, where } from '../helpers';
import { canaryPod, deepSelectorPolicy } from './hostile-inputs';

describe('reliability: crashes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a Calico selector nested 1,500 parentheses deep is a limit-exceeded finding at the first parenthesis over the limit', () => {
    const text = deepSelectorPolicy(1500);
    const findings = lint(
      analyzeSources([new SourceFile('deep.yaml', text), new SourceFile('canary.yaml', canaryPod())]),
    );
    const limit = findings.filter((f) => f.rule === 'limit-exceeded');
    assert.equal(limit.length, 1, findings.map(where).join('\n'));
    assert.equal(spanned(limit[0]), '(');
    assert.equal(limit[0].span.start, text.indexOf('(') + LIMITS.selectorDepth);
    assert.match(limit[0].message, /nested deeper than 64/);
    assert.ok(findings.some((f) => f.rule === 'policy-not-simulated'));
  });

  it('every command on that policy answers instead of failing with an internal error', async () => {
    writeFileSync(join(dir, 'deep.yaml'), deepSelectorPolicy(1500));
    writeFileSync(join(dir, 'canary.yaml'), canaryPod());
    for (const args of [
      ['lint'],
      ['matrix'],
      ['matrix', '--port', '80', '--format', 'json'],
      ['addresses'],
      ['explain', '--from', 'canary/canary', '--to', 'canary/canary', '--port', '80'],
      ['select', '--selector', `${'('.repeat(1500)}a == 'b'${')'.repeat(1500)}`],
    ]) {
      const r = await cli([...args, dir]);
      assert.ok(
        r.code === 0 || r.code === 1 || (args[0] === 'select' && r.code === 2),
        `${args.join(' ')}: ${r.code} ${r.stderr}`,
      );
      assert.doesNotMatch(r.stderr, /internal error|call stack/i, args.join(' '));
    }
  });

  it('a selector longer than the limit is not parsed, with a finding', () => {
    const long = `app in {${Array.from({ length: 1000 }, (_, i) => `"v${i}"`).join(',')}}`;
    assert.ok(long.length > LIMITS.selectorLength);
    const r = parseSelector(long);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /longer than 4,096 characters/);
    const text = deepSelectorPolicy(1).replace(/selector: ".*"/, `selector: '${long}'`);
    const findings = lint(analyzeSources([new SourceFile('long.yaml', text)]));
    assert.ok(
      findings.some((f) => f.rule === 'limit-exceeded' && /longer than 4,096/.test(f.message)),
      findings.map(where).join('\n'),
    );
  });

  it('an internal failure while reading one document is a finding there; every other document is still analysed', () => {
    const reader = KIND_READERS.find((r) => r.kind === 'ConfigMap')!;
    const original = reader.read;
    (reader as { read: typeof reader.read }).read = (obj, ...rest) => {
      if (obj.map('metadata')?.str('name')?.value === 'boom') throw new RangeError('Maximum call stack size exceeded');
      return original.call(reader, obj, ...rest);
    };
    try {
      const boom = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom, namespace: default}\n';
      const a = analyzeSources([
        new SourceFile('boom.yaml', `${boom}---\n${canaryPod()}`),
        new SourceFile('x.yaml', 'kind: [\n'),
      ]);
      const findings = lint(a);
      const failed = findings.filter((f) => f.rule === 'analysis-failed');
      assert.deepEqual(failed.map(where), ['analysis-failed@1:1']);
      assert.match(failed[0].message, /RangeError: Maximum call stack size exceeded/);
      assert.ok(a.engine.indexOf('canary/canary') !== undefined, 'the next document is read');
      assert.ok(
        findings.some((f) => f.rule === 'yaml-syntax' && f.span.file.path === 'x.yaml'),
        'the other file is linted',
      );
    } finally {
      (reader as { read: typeof reader.read }).read = original;
    }
  });

  it('an internal failure while compiling one policy is a finding at its name; the other policies still apply', () => {
    const files = [
      new SourceFile(
        'p.yaml',
        [
          policy('canary/broken', 'podSelector: {}\npolicyTypes: [Ingress]'),
          policy('canary/deny-all', 'podSelector: {}\npolicyTypes: [Ingress]'),
        ].join('---\n'),
      ),
      new SourceFile('canary.yaml', `${namespace('canary')}---\n${canaryPod()}`),
    ];
    const cluster = buildCluster(files.map(parseFile));
    const broken = cluster.networkPolicies.find((p) => p.meta.name === 'broken')!;
    const throwing = new Proxy(broken, {
      get: (target, key) => {
        if (key === 'podSelector') throw new TypeError('boom');
        return Reflect.get(target, key);
      },
    });
    const a = analyze({
      ...cluster,
      networkPolicies: cluster.networkPolicies.map((p) => (p === broken ? throwing : p)),
    });
    const failed = lint(a).filter((f) => f.rule === 'analysis-failed');
    assert.deepEqual(failed.map(spanned), ['broken']);
    assert.match(failed[0].message, /compiling this policy \(TypeError: boom\)/);
    assert.equal(a.policies.tiers.flatMap((t) => t.policies).length, 1, 'deny-all still compiled');
    assert.equal(canReach(a, 'canary/canary', 'canary/canary'), false, 'and still applies');
  });

  it('netpol matrix with no pods says so instead of crashing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netpol-nopods-'));
    try {
      writeFileSync(join(empty, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n');
      for (const args of [['matrix'], ['matrix', '--port', '80'], ['matrix', '--port', '80', '--format', 'json']]) {
        const r = await cli([...args, empty]);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        if (!args.includes('json')) assert.match(r.stdout, /No pods/);
        else assert.deepEqual(JSON.parse(r.stdout).endpoints, []);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
